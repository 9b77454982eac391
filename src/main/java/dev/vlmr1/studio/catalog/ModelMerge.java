package dev.vlmr1.studio.catalog;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A "merge and export" of a LoRA adapter model as the API shows it.
 *
 * @param id the merge's id
 * @param sourceModelId the adapter model merged
 * @param name the name the merged model gets in the catalog
 * @param dtype how the merged weights are stored: {@code f32}, {@code bf16} or {@code f16}
 * @param state {@code QUEUED}, {@code RUNNING}, {@code SUCCEEDED} or {@code FAILED}
 * @param phase what a running merge is doing: {@code queued}, {@code starting}, {@code loading} (base + adapter),
 * {@code writing} (merged weights), {@code registering}, {@code done} or {@code failed}
 * @param bytesWritten bytes of the new checkpoint written so far
 * @param bytesExpected about how many bytes the new checkpoint will have (its weights at {@code dtype})
 * @param requestedAt when it was asked for
 * @param finishedAt when it succeeded or failed
 * @param modelId the merged model's id once registered
 * @param error why it failed
 */
public record ModelMerge(long id, long sourceModelId, String name, String dtype, String state, String phase,
		long bytesWritten, long bytesExpected, Instant requestedAt, @Nullable Instant finishedAt, @Nullable Long modelId,
		@Nullable String error) {

	/** Whether it is still queued or running. */
	public boolean active() {
		return "QUEUED".equals(state) || "RUNNING".equals(state);
	}

	/** Written bytes as a percentage of the expected ones, below 100 until done. */
	public int percent() {
		if ("SUCCEEDED".equals(state)) {
			return 100;
		}
		return bytesExpected <= 0 ? 0 : (int) Math.min(99, 100 * bytesWritten / bytesExpected);
	}

}
