package dev.vlmr1.studio.model;

import java.util.function.Supplier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Frees a step's temporaries as soon as the step is done. An inference forward runs inside one {@link NDScope}
 * (the generator's prefill), and without this every layer's attention scores, MLP activations and masks would stay
 * allocated until the whole forward ends: memory would grow with layers × sequence², which is how one long prompt
 * grew the inference worker to 17 GB. With grad mode on (training) nothing is freed early: the trainer's memory is
 * what autograd saves anyway, and it keeps its own accounting.
 */
public final class Temporaries {

	private Temporaries() {
	}

	/**
	 * Runs {@code step} and, unless grad mode is on, closes every array it created except its result, which joins
	 * the caller's scope (if any) as if the caller had created it. Arrays the step hands elsewhere must be taken out
	 * of the scope by their keeper ({@link NDScope#unregister}), as the KV cache does.
	 */
	public static NDArray freeAllBut(Supplier<NDArray> step) {
		if (JniUtils.isGradMode()) {
			return step.get();
		}
		NDArray result;
		try (NDScope ignored = new NDScope()) {
			result = step.get();
			NDScope.unregister(result);
		}
		NDScope.register(result);
		return result;
	}

}
