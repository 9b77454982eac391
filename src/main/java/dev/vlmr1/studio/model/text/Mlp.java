package dev.vlmr1.studio.model.text;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;

import dev.vlmr1.studio.model.Parameters;

/**
 * The decoder's SwiGLU feed-forward block: {@code down(silu(gate(x)) · up(x))}, no biases. Mirrors {@code Qwen2MLP}.
 */
public final class Mlp {

	private final NDArray gateProj;

	private final NDArray upProj;

	private final NDArray downProj;

	private Mlp(NDArray gateProj, NDArray upProj, NDArray downProj) {
		this.gateProj = gateProj;
		this.upProj = upProj;
		this.downProj = downProj;
	}

	/** Loads {@code prefix + "gate_proj.weight"} etc.: [intermediate, hidden], [intermediate, hidden], [hidden, intermediate]. */
	public static Mlp load(Parameters params, String prefix, int hidden, int intermediate) {
		return new Mlp(params.load(prefix + "gate_proj.weight", intermediate, hidden),
				params.load(prefix + "up_proj.weight", intermediate, hidden),
				params.load(prefix + "down_proj.weight", hidden, intermediate));
	}

	/** (B, T, C) → (B, T, C). */
	public NDArray forward(NDArray x) {
		NDArray gate = Linear.linear(x, gateProj).singletonOrThrow(); // (B, T, I)
		NDArray up = Linear.linear(x, upProj).singletonOrThrow(); // (B, T, I)
		NDArray silu = gate.mul(Activation.sigmoid(gate)); // no SiLU op in DJL: x·σ(x)
		return Linear.linear(silu.mul(up), downProj).singletonOrThrow(); // (B, T, C)
	}

}
