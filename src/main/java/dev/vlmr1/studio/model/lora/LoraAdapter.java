package dev.vlmr1.studio.model.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;

import dev.vlmr1.studio.model.Scalars;

/**
 * The adapter of one linear layer: ΔW = scaling · B·A with A [r, in] and B [out, r], float32. Its output is added to
 * the base layer's as PEFT does, {@code base + lora_B(lora_A(dropout(x))) · scaling}, unless its set is switched off.
 */
public final class LoraAdapter {

	private final LoraAdapters owner;

	private final NDArray a;

	private final NDArray b;

	private final double scaling;

	/** Seeds this adapter's dropout masks apart from the other adapters'. */
	private final long dropoutStream;

	LoraAdapter(LoraAdapters owner, NDArray a, NDArray b, double scaling, long dropoutStream) {
		this.owner = owner;
		this.a = a;
		this.b = b;
		this.scaling = scaling;
		this.dropoutStream = dropoutStream;
	}

	/** {@code lora_A.weight}, [r, in]. */
	public NDArray a() {
		return a;
	}

	/** {@code lora_B.weight}, [out, r]. */
	public NDArray b() {
		return b;
	}

	public double scaling() {
		return scaling;
	}

	/** The weight update this adapter stands for, scaling · B·A, [out, in]. */
	public NDArray delta() {
		return b.matMul(a).mul(Scalars.of(a, scaling));
	}

	NDArray addTo(NDArray base, NDArray x) {
		if (!owner.enabled()) {
			return base;
		}
		NDArray down = Linear.linear(owner.dropout(x, dropoutStream), a).singletonOrThrow(); // (…, r)
		NDArray up = Linear.linear(down, b).singletonOrThrow(); // (…, out)
		return base.add(up.mul(Scalars.of(up, scaling)));
	}

}
