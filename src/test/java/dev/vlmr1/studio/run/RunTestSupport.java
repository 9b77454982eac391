package dev.vlmr1.studio.run;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

import dev.vlmr1.studio.web.CurrentUser;
import dev.vlmr1.studio.web.TestUsers;

import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;

/**
 * The one Spring context of the run and reward-config tests (a real server on a random port, embedded
 * PostgreSQL with the Flyway migrations), with helpers to create users, datasets and runs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "studio.runs.stream-heartbeat=PT0.5S", "studio.runs.stream-poll=PT0.1S",
				"studio.runs.stream-timeout=PT5S" })
public abstract class RunTestSupport {

	private static final Map<Long, TestUsers.TestUser> TEST_USERS = new ConcurrentHashMap<>();

	@Autowired
	protected JdbcClient jdbc;

	@Autowired
	protected RunManagement runs;

	@Autowired
	private WebApplicationContext context;

	@LocalServerPort
	protected int port;

	protected MockMvc mvc;

	@BeforeEach
	void setUpMockMvc() {
		mvc = MockMvcBuilders.webAppContextSetup(context).apply(springSecurity()).build();
	}

	/** A real user with a WRITE API token (security's own test helper). */
	protected CurrentUser newUser(boolean admin) {
		TestUsers users = new TestUsers(context);
		TestUsers.TestUser user = admin ? users.createAdmin("admin") : users.create("user");
		TEST_USERS.put(user.user().id(), user);
		return user.user();
	}

	/** Authenticates a MockMvc API request as {@code user} with its bearer token. */
	protected static RequestPostProcessor as(CurrentUser user) {
		return TEST_USERS.get(user.id()).api();
	}

	/** Authenticates a MockMvc page request as {@code user}, as form login would. */
	protected static RequestPostProcessor onPage(CurrentUser user) {
		return TEST_USERS.get(user.id()).page();
	}

	/** The test user behind {@code user}: its password for a browser login. */
	protected static TestUsers.TestUser testUser(CurrentUser user) {
		return TEST_USERS.get(user.id());
	}

	protected static String bearer(CurrentUser user) {
		return TEST_USERS.get(user.id()).bearer();
	}

	/** A stored dataset row with one sample (what the dataset module's upload leaves behind). */
	protected long newDataset(CurrentUser owner) {
		return jdbc.sql("""
				INSERT INTO datasets (owner_id, name, version, content_sha256, mode, sample_count, invalid_lines,
				  image_count, jsonl_bytes, image_bytes, task_counts, report)
				VALUES (?, ?, 1, ?, 'strict', 1, 0, 1, 10, 10, '{"rec": 1}', '[]') RETURNING id""")
			.params(owner.id(), "ds-" + UUID.randomUUID(), "0".repeat(64))
			.query(Long.class)
			.single();
	}

	/** A registered model row (what the catalog stores after validating a checkpoint directory). */
	protected long newModel(CurrentUser owner) {
		return jdbc.sql("INSERT INTO models (owner_id, name, path, model_type) VALUES (?, ?, '/models/tiny', 'qwen2_5_vl') RETURNING id")
			.params(owner.id(), "m-" + UUID.randomUUID())
			.query(Long.class)
			.single();
	}

	protected long newRewardConfig(CurrentUser owner) {
		return jdbc.sql("""
				INSERT INTO reward_configs (owner_id, name, terms)
				VALUES (?, ?, '[{"function": "iou", "weight": 1.0, "params": {}}]') RETURNING id""")
			.params(owner.id(), "rc-" + UUID.randomUUID())
			.query(Long.class)
			.single();
	}

	/** A QUEUED SFT run inserted through the store (no HTTP), for queue and state-machine tests. */
	protected RunId queuedRun(CurrentUser owner) {
		return new RunId(store().insert(new RunStore.NewRun(owner.id(), RunType.SFT, 1, List.of(newDataset(owner)), null,
				null, null, Map.of("seed", 1), 3)));
	}

	protected RunDetails details(RunId id) {
		return runs.find(id).orElseThrow();
	}

	/** Event seqs of a run in order, for gap checks. */
	protected List<Long> seqs(RunId id) {
		return jdbc.sql("SELECT seq FROM run_events WHERE run_id = ? ORDER BY seq").param(id.value()).query(Long.class).list();
	}

	protected List<String> stateHistory(RunId id) {
		return jdbc.sql("SELECT payload->>'to' FROM run_events WHERE run_id = ? AND type = 'STATE' ORDER BY seq")
			.param(id.value())
			.query(String.class)
			.list();
	}

	/**
	 * Ends every queued or leased run left by other tests, so claims only see this test's runs: a leased one would
	 * come back as soon as a test reclaims expired leases, and be claimed before this test's run.
	 */
	protected void drainQueue() {
		jdbc.sql("UPDATE runs SET state = 'CANCELLED', lease_token = NULL, lease_expires_at = NULL, version = version + 1 "
				+ "WHERE state IN ('QUEUED', 'RUNNING', 'CANCELLING')").update();
	}

	@Autowired
	private RunStore runStore;

	protected RunStore store() {
		return runStore;
	}

}
