package dev.vlmr1.studio.run;

import java.time.Instant;

/**
 * A checkpoint a run registered: a Hugging Face model directory written at {@code step}.
 *
 * @param attempt the attempt that wrote it
 * @param path the directory in the artifact store
 */
public record Checkpoint(RunId runId, int step, int attempt, String path, Instant createdAt) {

}
