package dev.vlmr1.studio.model.vision;

import java.util.function.UnaryOperator;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * The activations of transformers' {@code ACT2FN} that the vision tower uses, composed where DJL lacks them. All keep
 * their result on the input's manager and are differentiable.
 */
final class VisionActivations {

	private VisionActivations() {
	}

	/** {@code silu}: x·σ(x) (Qwen2.5-VL's gated MLP). */
	static NDArray silu(NDArray x) {
		return x.mul(Activation.sigmoid(x));
	}

	/** {@code quick_gelu}: x·σ(1.702·x) (Qwen2-VL's vision MLP). */
	static NDArray quickGelu(NDArray x) {
		// the scalar lives on x's manager: a mul(Number) buffer may be freed by GC before backward reads it
		return x.mul(Activation.sigmoid(x.mul(x.getManager().create(1.702f))));
	}

	/**
	 * {@code nn.GELU()} with the exact erf form, 0.5·x·(1 + erf(x/√2)), as the patch merger uses it. DJL's PyTorch
	 * {@code gelu} is libtorch's default (approximate = 'none'), which is this erf form; {@code VisionBlocksTests}
	 * checks it against the composed formula.
	 */
	static NDArray gelu(NDArray x) {
		return Activation.gelu(x);
	}

	/** The activation named {@code hiddenAct} in {@code vision_config}. */
	static UnaryOperator<NDArray> byName(String hiddenAct) {
		return switch (hiddenAct) {
			case "silu", "swish" -> VisionActivations::silu;
			case "quick_gelu" -> VisionActivations::quickGelu;
			case "gelu" -> VisionActivations::gelu;
			default -> throw new IllegalArgumentException("unsupported vision hidden_act '" + hiddenAct + "'");
		};
	}

}
