package dev.vlmr1.studio.model.text;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

import dev.vlmr1.studio.model.Parameters;
import dev.vlmr1.studio.model.lora.Projection;

/**
 * The decoder's SwiGLU feed-forward block: {@code down(silu(gate(x)) · up(x))}, no biases. Mirrors {@code Qwen2MLP}.
 */
public final class Mlp {

	private final Projection gateProj;

	private final Projection upProj;

	private final Projection downProj;

	private Mlp(Projection gateProj, Projection upProj, Projection downProj) {
		this.gateProj = gateProj;
		this.upProj = upProj;
		this.downProj = downProj;
	}

	/** Loads {@code prefix + "gate_proj.weight"} etc.: [intermediate, hidden], [intermediate, hidden], [hidden, intermediate]. */
	public static Mlp load(Parameters params, String prefix, int hidden, int intermediate) {
		return new Mlp(params.linear(prefix + "gate_proj", hidden, intermediate, false),
				params.linear(prefix + "up_proj", hidden, intermediate, false),
				params.linear(prefix + "down_proj", intermediate, hidden, false));
	}

	/** (B, T, C) → (B, T, C). */
	public NDArray forward(NDArray x) {
		NDArray gate = gateProj.forward(x); // (B, T, I)
		NDArray up = upProj.forward(x); // (B, T, I)
		NDArray silu = gate.mul(Activation.sigmoid(gate)); // no SiLU op in DJL: x·σ(x)
		return downProj.forward(silu.mul(up)); // (B, T, C)
	}

}
