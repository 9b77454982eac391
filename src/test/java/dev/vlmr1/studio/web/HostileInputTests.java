package dev.vlmr1.studio.web;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import javax.sql.DataSource;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.AbstractMockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMultipartHttpServletRequestBuilder;

import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * Issue 11, class 8: the inputs a hostile user sent that answered 500. Each is now a 4xx problem detail and
 * leaves no row and no file behind (checked with a {@link StoredState} snapshot around every request).
 */
@SpringBootTest
@AutoConfigureMockMvc
class HostileInputTests {

	private static final String NUL = "a\u0000b";

	@Autowired
	MockMvc mvc;

	@Autowired
	ApplicationContext context;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	DataSource dataSource;

	TestUser alice;

	TestUser admin;

	StoredState stored;

	@BeforeEach
	void createUsers() {
		TestUsers users = new TestUsers(context);
		alice = users.create("alice");
		admin = users.createAdmin("admin");
		stored = new StoredState(context);
	}

	@Test
	void nulInNamesDescriptionsAndSearchParametersIsA400() throws Exception {
		Map<String, AbstractMockHttpServletRequestBuilder<?>> requests = new LinkedHashMap<>();
		requests.put("reward config name", json("/api/reward-configs", alice,
				"{\"name\": \"a\\u0000b\", \"terms\": [{\"function\": \"iou\"}]}"));
		requests.put("reward config description", json("/api/reward-configs", alice,
				"{\"name\": \"ok\", \"description\": \"x\\u0000\", \"terms\": [{\"function\": \"iou\"}]}"));
		requests.put("token name", json("/api/tokens", alice, "{\"name\": \"a\\u0000b\", \"scope\": \"READ\"}"));
		requests.put("tiny model name", json("/api/models/tiny", alice, "{\"name\": \"a\\u0000b\", \"seed\": 1}"));
		requests.put("user name", json("/api/users", admin,
				"{\"username\": \"a\\u0000bcd\", \"password\": \"pw-long-enough-123456\"}"));
		requests.put("a field name", json("/api/reward-configs", alice,
				"{\"na\\u0000me\": \"x\", \"terms\": [{\"function\": \"iou\"}]}"));
		requests.put("nested term", json("/api/reward-configs", alice,
				"{\"name\": \"ok\", \"terms\": [{\"function\": \"iou\\u0001\"}]}"));
		requests.put("lone surrogate", json("/api/tokens", alice, "{\"name\": \"a\\ud800b\", \"scope\": \"READ\"}"));
		requests.put("sample search", get("/api/datasets/1/samples").with(alice.api()).param("q", NUL));
		requests.put("sample task filter", get("/api/datasets/1/samples").with(alice.api()).param("task", NUL));
		requests.put("comparison metrics", get("/api/compare").with(alice.api()).param("metrics", NUL));
		requests.put("dataset name (multipart field)", upload("nul", "{}").param("name", NUL));
		requests.put("path variable", get(java.net.URI.create("/api/datasets/1/images/%00abc")).with(alice.api()));
		for (var request : requests.entrySet()) {
			MockHttpServletResponse response = refusedWithoutTrace(request.getValue());
			assertThat(response.getStatus()).as(request.getKey()).isEqualTo(400);
			assertThat(response.getContentAsString()).as(request.getKey()).contains("control character");
		}
	}

	@Test
	void applicationHeadersMustBePrintableAscii() throws Exception {
		String run = "{\"type\": \"grpo\"}";
		for (String key : new String[] { "\u00e9t\u00e9", "\u4e2d\u6587", "a\u0085b" }) {
			MockHttpServletResponse response = refusedWithoutTrace(
					json("/api/runs", alice, run).header("Idempotency-Key", key));
			assertThat(response.getStatus()).as(key).isEqualTo(400);
		}
		for (String id : new String[] { "\u0661\u0662", "\u00e9" }) {
			MockHttpServletResponse response = refusedWithoutTrace(get("/api/runs/1/events").with(alice.api())
				.accept(MediaType.TEXT_EVENT_STREAM, MediaType.APPLICATION_PROBLEM_JSON)
				.header("Last-Event-ID", id));
			assertThat(response.getStatus()).as(id).isEqualTo(400);
		}
		assertThat(refusedWithoutTrace(post("/api/runs/1/cancel").with(alice.api()).header("If-Match", "\"\u00e9\""))
			.getStatus()).isEqualTo(400);
	}

	/** The firewall's lazy header check fires inside the controller: a NUL in a header is the client's error. */
	@Test
	void aControlCharacterInAHeaderIsA400NotA500() throws Exception {
		MockHttpServletResponse response = refusedWithoutTrace(
				json("/api/runs", alice, "{\"type\": \"grpo\"}").header("Idempotency-Key", NUL));
		assertThat(response.getStatus()).isEqualTo(400);
		assertThat(response.getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
	}

	@Test
	void aPageWhoseOffsetOverflowsIsEmpty() throws Exception {
		MockHttpServletResponse response = mvc.perform(get("/api/runs").with(alice.api())
			.param("page", Integer.toString(Integer.MAX_VALUE))
			.param("size", "100")).andReturn().getResponse();
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(JsonPath.<java.util.List<?>>read(response.getContentAsString(), "$.items")).isEmpty();
		assertThat(mvc.perform(get("/runs").with(alice.page()).param("page", Integer.toString(Integer.MAX_VALUE)))
			.andReturn().getResponse().getStatus()).isEqualTo(200);
		assertThat(mvc.perform(get("/api/runs").with(alice.api()).param("page", "99999999999"))
			.andReturn().getResponse().getStatus()).isEqualTo(400);
	}

	@Test
	void uploadedFileNamesTheFileSystemCannotHoldAreReportedAndNothingIsStored() throws Exception {
		byte[] png = { (byte) 0x89, 'P', 'N', 'G' };
		String line = "{\"image\": \"x.png\", \"conversations\": []}";
		var longName = upload("long", line).file(image("d".repeat(300) + ".png", png));
		var longMultibyte = upload("long-utf8", line).file(image("\u00e9".repeat(200) + ".png", png));
		var fileThenFolder = upload("file-then-folder", line).file(image("x", png)).file(image("x/y.png", png));
		var folderThenFile = upload("folder-then-file", line).file(image("x/y.png", png)).file(image("x", png));
		for (var request : new MockMultipartHttpServletRequestBuilder[] { longName, longMultibyte, fileThenFolder,
				folderThenFile }) {
			MockHttpServletResponse response = refusedWithoutTrace(request);
			assertThat(response.getStatus()).isEqualTo(400);
			assertThat(JsonPath.<String>read(response.getContentAsString(), "$.type")).endsWith("/dataset-invalid");
		}
	}

	/**
	 * Two requests create the same user name: both find it free, one commits first. The test plays the first,
	 * holding its row uncommitted until the API request waits on it.
	 */
	@Test
	void concurrentCreationOfTheSameUserNameIsAConflict() throws Exception {
		String name = "race-" + System.nanoTime();
		MockHttpServletResponse response = racing("INSERT INTO users (username, password_hash, role) VALUES (?, 'x', 'USER')",
				new Object[] { name }, json("/api/users", admin,
						"{\"username\": \"" + name + "\", \"password\": \"pw-long-enough-123456\"}"));
		assertThat(response.getStatus()).isEqualTo(409);
		assertThat(response.getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		assertThat(jdbc.sql("SELECT count(*) FROM users WHERE username = ?").param(name).query(Long.class).single())
			.isEqualTo(1);
	}

	@Test
	void concurrentCreationOfTheSameModelNameIsAConflict() throws Exception {
		String name = "race-" + System.nanoTime();
		MockHttpServletResponse response = racing(
				"INSERT INTO models (owner_id, name, path, model_type) VALUES (?, ?, '/nowhere', 'qwen2_5_vl')",
				new Object[] { alice.user().id(), name },
				json("/api/models/tiny", alice, "{\"name\": \"" + name + "\", \"seed\": 1}"));
		assertThat(response.getStatus()).isEqualTo(409);
		assertThat(response.getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		assertThat(jdbc.sql("SELECT count(*) FROM models WHERE owner_id = ? AND name = ?")
			.params(alice.user().id(), name)
			.query(Long.class)
			.single()).isEqualTo(1);
	}

	/** A page form that loses the same race answers the error page with 409, not 500. */
	@Test
	void concurrentCreationOnAPageIsA409Page() throws Exception {
		String name = "race-" + System.nanoTime();
		MockHttpServletResponse page = racing(
				"INSERT INTO reward_configs (owner_id, name, version, description, terms) VALUES (?, ?, 1, '', '[]')",
				new Object[] { alice.user().id(), name },
				post("/rewards").with(alice.page()).with(csrf())
					.param("name", name).param("function", "iou").param("weight", "1.0").param("params", "{}"));
		assertThat(page.getStatus()).isEqualTo(409);
		assertThat(jdbc.sql("SELECT count(*) FROM reward_configs WHERE owner_id = ? AND name = ?")
			.params(alice.user().id(), name)
			.query(Long.class)
			.single()).isEqualTo(1);
	}

	/** Inserts a row in an open transaction, sends {@code request}, commits once it waits on that row's lock. */
	private MockHttpServletResponse racing(String insert, Object[] params, AbstractMockHttpServletRequestBuilder<?> request)
			throws Exception {
		try (Connection first = dataSource.getConnection()) {
			first.setAutoCommit(false);
			try (var statement = first.prepareStatement(insert)) {
				for (int i = 0; i < params.length; i++) {
					statement.setObject(i + 1, params[i]);
				}
				statement.executeUpdate();
			}
			CompletableFuture<MockHttpServletResponse> second = CompletableFuture
				.supplyAsync(() -> perform(request));
			await().atMost(Duration.ofSeconds(60)).until(() -> second.isDone() || waitingOnALock());
			first.commit();
			return second.get();
		}
	}

	private boolean waitingOnALock() {
		return jdbc.sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
			.query(Long.class)
			.single() > 0;
	}

	private MockHttpServletResponse perform(AbstractMockHttpServletRequestBuilder<?> request) {
		try {
			return mvc.perform(request).andReturn().getResponse();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Performs a request that must be refused: a 4xx problem, and no new row or file. */
	private MockHttpServletResponse refusedWithoutTrace(AbstractMockHttpServletRequestBuilder<?> request)
			throws Exception {
		StoredState.Snapshot before = stored.take();
		MockHttpServletResponse response = mvc.perform(request).andReturn().getResponse();
		assertThat(response.getStatus()).as(response.getContentAsString()).isBetween(400, 499);
		assertThat(response.getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		assertThat(before.added(stored.take())).as("stored by a refused request").isEmpty();
		return response;
	}

	private static AbstractMockHttpServletRequestBuilder<?> json(String path, TestUser user, String body) {
		return post(path).with(user.api()).contentType(MediaType.APPLICATION_JSON).content(body);
	}

	private MockMultipartHttpServletRequestBuilder upload(String name, String jsonl) {
		MockMultipartHttpServletRequestBuilder request = multipart("/api/datasets");
		request.file(new MockMultipartFile("jsonl", "a.jsonl", "application/x-ndjson",
				jsonl.getBytes(StandardCharsets.UTF_8)));
		request.param("name", name).with(alice.api());
		return request;
	}

	private static MockMultipartFile image(String name, byte[] bytes) {
		return new MockMultipartFile("images", name, "image/png", bytes);
	}

}
