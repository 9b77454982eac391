package dev.vlmr1.studio.run;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.web.CurrentUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The SSE stream over a real HTTP connection: replay from the start, reconnect with {@code Last-Event-ID}
 * (nothing missed, nothing repeated), heartbeat comments while idle, end of stream at the terminal state,
 * and ownership.
 */
class RunEventStreamTests extends RunTestSupport {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void replaysFromLastEventIdAfterReconnectAndClosesAtTheEnd() throws Exception {
		CurrentUser alice = newUser(false);
		drainQueue();
		RunId id = queuedRun(alice);
		ClaimedRun claim = runs.claimNext("w").orElseThrow();
		for (int step = 1; step <= 3; step++) {
			runs.recordMetrics(id, claim.leaseToken(), step, Map.of("loss", 1.0 / step));
		}
		List<Sse> first;
		try (SseReader reader = connect(alice, id, null)) {
			first = reader.events(5);
			assertThat(reader.waitForComment()).isEqualTo(":heartbeat");
		}
		assertThat(first).extracting(Sse::id).containsExactly("1", "2", "3", "4", "5");
		assertThat(first).extracting(Sse::name).containsExactly("state", "state", "metrics", "metrics", "metrics");
		assertThat(first.get(4).data()).contains("\"seq\":5").contains("\"step\": 3").contains("\"type\":\"METRICS\"");

		// while disconnected the worker goes on; the reconnect picks up exactly where it stopped
		runs.recordMetrics(id, claim.leaseToken(), 4, Map.of("loss", 0.2));
		runs.recordLog(id, claim.leaseToken(), List.of("step 4 done"));
		try (SseReader reader = connect(alice, id, "5")) {
			List<Sse> resumed = reader.events(2);
			assertThat(resumed).extracting(Sse::id).containsExactly("6", "7");
			assertThat(resumed.get(1).data()).contains("step 4 done");
			runs.finish(id, claim.leaseToken(), RunState.SUCCEEDED, null);
			List<Sse> end = reader.events(1);
			assertThat(end.get(0).id()).isEqualTo("8");
			assertThat(end.get(0).data()).contains("\"to\": \"SUCCEEDED\"");
			assertThat(end.get(0).retry()).as("a long reconnection delay comes with the end")
				.isEqualTo(Long.toString(RunEventStreams.END_RETRY_MILLIS));
			assertThat(reader.endOfStream()).as("the stream closes after a terminal state").isTrue();
		}
		// reconnecting after the end: 204 No Content, which tells an EventSource to stop reconnecting
		HttpResponse<String> after = http.send(request(alice, id, "8"), HttpResponse.BodyHandlers.ofString());
		assertThat(after.statusCode()).isEqualTo(204);
		assertThat(after.body()).isEmpty();
		// a client that missed the end still gets it, then the same 204
		try (SseReader reader = connect(alice, id, "7")) {
			assertThat(reader.events(1)).extracting(Sse::id).containsExactly("8");
			assertThat(reader.endOfStream()).isTrue();
		}
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(streams().openStreams()).isZero());
	}

	@Test
	void thePageStreamsOverTheSessionOfALoggedInUser() throws Exception {
		CurrentUser alice = newUser(false);
		CurrentUser bob = newUser(false);
		RunId id = queuedRun(alice);
		runs.cancel(id, "done");
		var async = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get("/runs/" + id + "/events")
			.with(onPage(alice)))
			.andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.request().asyncStarted())
			.andReturn();
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(async.getResponse().getContentAsString())
			.contains("id:2").contains("event:state").contains("CANCELLED"));
		mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get("/runs/" + id + "/events")
			.with(onPage(bob)))
			.andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.status().isNotFound());
	}

	@Test
	void streamsAreOwnerScoped() throws Exception {
		CurrentUser alice = newUser(false);
		CurrentUser bob = newUser(false);
		RunId id = queuedRun(alice);
		HttpResponse<String> foreign = http.send(request(bob, id, null), HttpResponse.BodyHandlers.ofString());
		assertThat(foreign.statusCode()).isEqualTo(404);
		HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(uri(id)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(anonymous.statusCode()).isEqualTo(401);
		HttpResponse<String> badId = http.send(request(alice, id, "abc"), HttpResponse.BodyHandlers.ofString());
		assertThat(badId.statusCode()).isEqualTo(400);
	}

	@org.springframework.beans.factory.annotation.Autowired
	private RunEventStreams streamsBean;

	private RunEventStreams streams() {
		return streamsBean;
	}

	private URI uri(RunId id) {
		return URI.create("http://localhost:" + port + "/api/runs/" + id + "/events");
	}

	private HttpRequest request(CurrentUser user, RunId id, String lastEventId) {
		var builder = HttpRequest.newBuilder(uri(id)).header("Authorization", bearer(user))
			.header("Accept", "text/event-stream")
			.GET();
		if (lastEventId != null) {
			builder.header("Last-Event-ID", lastEventId);
		}
		return builder.build();
	}

	private SseReader connect(CurrentUser user, RunId id, String lastEventId) throws Exception {
		HttpResponse<InputStream> response = http.send(request(user, id, lastEventId), HttpResponse.BodyHandlers.ofInputStream());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
		return new SseReader(response.body());
	}

	record Sse(String id, String name, String data, String retry) {
	}

	/** Reads the text/event-stream format line by line (blocking; the server's heartbeat keeps it moving). */
	static final class SseReader implements AutoCloseable {

		private final BufferedReader lines;

		private String lastComment;

		SseReader(InputStream in) {
			this.lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
		}

		List<Sse> events(int count) throws Exception {
			List<Sse> out = new ArrayList<>();
			String id = null;
			String name = null;
			String retry = null;
			StringBuilder data = new StringBuilder();
			String line;
			while (out.size() < count && (line = lines.readLine()) != null) {
				if (line.isEmpty()) {
					if (id != null) {
						out.add(new Sse(id, name, data.toString(), retry));
					}
					id = null;
					name = null;
					retry = null;
					data.setLength(0);
				}
				else if (line.startsWith(":")) {
					lastComment = line;
				}
				else if (line.startsWith("id:")) {
					id = line.substring(3).strip();
				}
				else if (line.startsWith("retry:")) {
					retry = line.substring(6).strip();
				}
				else if (line.startsWith("event:")) {
					name = line.substring(6).strip();
				}
				else if (line.startsWith("data:")) {
					data.append(line.substring(5));
				}
			}
			return out;
		}

		String waitForComment() throws Exception {
			String line;
			while ((line = lines.readLine()) != null) {
				if (line.startsWith(":")) {
					return line;
				}
			}
			return lastComment;
		}

		boolean endOfStream() throws Exception {
			String line;
			while ((line = lines.readLine()) != null) {
				if (line.startsWith("id:")) {
					return false;
				}
			}
			return true;
		}

		@Override
		public void close() throws Exception {
			lines.close();
		}

	}

}
