package dev.vlmr1.studio.model.vision;

import java.util.function.UnaryOperator;

import ai.djl.ndarray.NDArray;

import dev.vlmr1.studio.model.ModelType;
import dev.vlmr1.studio.model.Parameters;
import dev.vlmr1.studio.model.VisionConfig;

/**
 * The feed-forward half of a vision block. Legend: P patches, C width, F intermediate size.
 */
sealed interface VisionMlp {

	/** (P, C) → (P, C). */
	NDArray forward(NDArray x);

	/** Loads {@code prefix.*} ({@code visual.blocks.i.mlp}) in the layout of the config's architecture. */
	static VisionMlp load(VisionConfig config, Parameters params, String prefix) {
		int width = config.width();
		int hidden = config.intermediateSize();
		UnaryOperator<NDArray> act = VisionActivations.byName(config.hiddenAct());
		if (config.modelType() == ModelType.QWEN2_5_VL) {
			return new Gated(LinearLayer.load(params, prefix + ".gate_proj", width, hidden),
					LinearLayer.load(params, prefix + ".up_proj", width, hidden),
					LinearLayer.load(params, prefix + ".down_proj", hidden, width), act);
		}
		return new Plain(LinearLayer.load(params, prefix + ".fc1", width, hidden), act,
				LinearLayer.load(params, prefix + ".fc2", hidden, width));
	}

	/** Mirrors {@code Qwen2_5_VLMLP(bias=True)}: down(act(gate(x)) · up(x)), SiLU for the released models. */
	record Gated(LinearLayer gateProj, LinearLayer upProj, LinearLayer downProj,
			UnaryOperator<NDArray> act) implements VisionMlp {

		@Override
		public NDArray forward(NDArray x) {
			NDArray gated = act.apply(gateProj.forward(x)).mul(upProj.forward(x)); // (P, F)
			return downProj.forward(gated); // (P, C)
		}

	}

	/** Mirrors Qwen2-VL's {@code VisionMlp}: fc2(act(fc1(x))), QuickGELU for the released models. */
	record Plain(LinearLayer fc1, UnaryOperator<NDArray> act, LinearLayer fc2) implements VisionMlp {

		@Override
		public NDArray forward(NDArray x) {
			return fc2.forward(act.apply(fc1.forward(x))); // (P, F) → (P, C)
		}

	}

}
