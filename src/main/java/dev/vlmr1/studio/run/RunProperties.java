package dev.vlmr1.studio.run;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the run module ({@code studio.runs.*}).
 *
 * @param lease how long a claim or heartbeat keeps a run leased to its worker (database time)
 * @param maxAttempts attempts a run gets before a lost lease fails it
 * @param idempotencyRetention how long an {@code Idempotency-Key} is remembered; older keys count as new
 * @param streamTimeout how long one SSE connection lives before the browser reconnects with
 * {@code Last-Event-ID}
 * @param streamHeartbeat interval of SSE comment lines (a dead client is only noticed on write)
 * @param streamPoll how often a stream looks for new events (workers write from other processes)
 * @param streamThreads size of the one scheduler that serves every stream
 * @param maxStreams open streams allowed at once; more are refused with 503
 */
@ConfigurationProperties("studio.runs")
public record RunProperties(@DefaultValue("PT30S") Duration lease, @DefaultValue("3") int maxAttempts,
		@DefaultValue("P1D") Duration idempotencyRetention, @DefaultValue("PT10M") Duration streamTimeout,
		@DefaultValue("PT15S") Duration streamHeartbeat, @DefaultValue("PT0.5S") Duration streamPoll,
		@DefaultValue("2") int streamThreads, @DefaultValue("200") int maxStreams) {

}
