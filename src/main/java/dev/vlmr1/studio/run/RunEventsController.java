package dev.vlmr1.studio.run;

import org.jspecify.annotations.Nullable;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.vlmr1.studio.web.CurrentUser;

/**
 * A run's events as Server-Sent Events: state changes, metric batches, log lines, checkpoints and rollout
 * announcements ({@code rollouts}: fetch the sample from {@code .../rollouts?step=}), replayed
 * from {@code Last-Event-ID} (the event seq) and then streamed live. Served under {@code /api} for token
 * clients and under {@code /runs} for the browser page (an {@code EventSource} cannot send a bearer token,
 * it sends the session cookie). Once a run has ended and the client has every event, the answer is 204 No
 * Content, which tells an {@code EventSource} to stop reconnecting.
 */
@RestController
class RunEventsController {

	private final RunAccess access;

	private final RunEventStreams streams;

	RunEventsController(RunAccess access, RunEventStreams streams) {
		this.access = access;
		this.streams = streams;
	}

	@GetMapping(path = { "/api/runs/{id}/events", "/runs/{id}/events" }, produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	ResponseEntity<SseEmitter> events(@AuthenticationPrincipal @Nullable CurrentUser user, @PathVariable long id,
			@RequestHeader(name = "Last-Event-ID", required = false) @Nullable String lastEventId,
			@RequestParam(name = "lastEventId", required = false) @Nullable String lastEventIdParam) {
		RunDetails run = access.require(id, user);
		Long after = RunEventStreams.parseLastEventId(lastEventId, lastEventIdParam);
		long cursor = after == null ? 0 : after;
		if (run.state().isTerminal() && !streams.hasEventsAfter(run, cursor)) {
			return ResponseEntity.noContent().build();
		}
		return ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM).body(streams.open(run, cursor));
	}

}
