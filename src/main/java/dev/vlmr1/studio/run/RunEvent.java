package dev.vlmr1.studio.run;

import java.time.Instant;

/**
 * One entry of a run's event log, numbered gap-free from 1 per run. The SSE stream uses {@code seq} as the
 * event id, so a client that reconnects with {@code Last-Event-ID} misses nothing.
 *
 * @param type {@code STATE}, {@code METRICS}, {@code LOG}, {@code CHECKPOINT} or {@code ROLLOUTS}
 * @param payload the event body as JSON text
 */
public record RunEvent(long seq, String type, int attempt, String payload, Instant createdAt) {

}
