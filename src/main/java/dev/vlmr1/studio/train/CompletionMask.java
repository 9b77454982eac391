package dev.vlmr1.studio.train;

import java.util.Collection;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Which completion tokens count (GRPO.md step 3): 1 up to and including the first EOS token, 0 after it (padding or
 * tokens sampled past the stop). A completion that never emits EOS was cut at {@code max_completion_length}; with
 * {@code mask_truncated_completions} it is masked out entirely (TRL), so it neither rewards nor punishes.
 *
 * @param mask [B, T] row-major, 1.0 or 0.0
 * @param lengths [B] tokens up to and including the first EOS (T when there is none), before truncation masking
 * @param truncated [B] true where the completion has no EOS
 */
public record CompletionMask(float[] mask, int[] lengths, boolean[] truncated, int batch, int length) {

	/**
	 * @param completionIds [B, T] row-major completion token ids (right-padded)
	 * @param eosIds the ids that end a completion ({@code <|im_end|>}, {@code <|endoftext|>})
	 */
	public static CompletionMask of(long[] completionIds, int batch, int length, Collection<Long> eosIds,
			boolean maskTruncated) {
		if (batch <= 0 || length <= 0 || completionIds.length != (long) batch * length) {
			throw new IllegalArgumentException(
					completionIds.length + " ids do not form a [" + batch + ", " + length + "] batch");
		}
		if (eosIds.isEmpty()) {
			throw new IllegalArgumentException("no EOS ids given");
		}
		Set<Long> eos = Set.copyOf(eosIds);
		float[] mask = new float[batch * length];
		int[] lengths = new int[batch];
		boolean[] truncated = new boolean[batch];
		for (int b = 0; b < batch; b++) {
			int end = length;
			for (int t = 0; t < length; t++) {
				if (eos.contains(completionIds[b * length + t])) {
					end = t + 1;
					break;
				}
			}
			lengths[b] = end;
			truncated[b] = end == length && !eos.contains(completionIds[b * length + length - 1]);
			if (!(maskTruncated && truncated[b])) {
				java.util.Arrays.fill(mask, b * length, b * length + end, 1f);
			}
		}
		return new CompletionMask(mask, lengths, truncated, batch, length);
	}

	/** Same, from an int64 NDArray [B, T]. */
	public static CompletionMask of(NDArray completionIds, Collection<Long> eosIds, boolean maskTruncated) {
		Shape shape = completionIds.getShape();
		if (shape.dimension() != 2) {
			throw new IllegalArgumentException("completion ids must be [B, T], got " + shape);
		}
		return of(completionIds.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray(),
				(int) shape.get(0), (int) shape.get(1), eosIds, maskTruncated);
	}

	/** The mask as a float32 NDArray [B, T]. */
	public NDArray toArray(NDManager manager) {
		return manager.create(mask, new Shape(batch, length));
	}

	/** Number of unmasked tokens. */
	public int tokenCount() {
		int count = 0;
		for (float m : mask) {
			count += (int) m;
		}
		return count;
	}

}
