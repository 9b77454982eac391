package dev.vlmr1.studio.demoproject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.catalog.ModelCatalog;
import dev.vlmr1.studio.web.StudioProperties;
import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Issue 11, class 10: a create that fails leaves nothing behind, neither a folder nor a row. Failures are injected
 * into the real database with a trigger that refuses one marked insert. (Dataset uploads and run creation have the
 * same kind of test in DatasetReliabilityTests (T5.1) and TransactionalEnqueueTests (T1.7).)
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureMockMvc
@Slow
class CreateCleanupTests {

	@Autowired
	MockMvc mvc;

	@Autowired
	ApplicationContext context;

	@Autowired
	StudioProperties studio;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	DemoProject demoProject;

	TestUser alice;

	@BeforeEach
	void user() {
		alice = new TestUsers(context).create("cleanup");
	}

	@Test
	void aTinyModelWhoseNameIsTakenLeavesNoFolder() throws Exception {
		createTiny("taken").andExpect(status().isCreated());
		List<Path> before = modelFolders();
		createTiny("taken").andExpect(status().isConflict());
		assertThat(modelFolders()).isEqualTo(before);
	}

	@Test
	void aTinyModelWhoseRegistrationFailsLeavesNoFolderAndNoRow() throws Exception {
		String name = "doomed-" + UUID.randomUUID();
		List<Path> before = modelFolders();
		withFailingInsert("models", "NEW.name = '" + name + "'",
				() -> createTiny(name).andExpect(status().is5xxServerError()));
		assertThat(modelFolders()).isEqualTo(before);
		assertThat(rows("models")).isZero();
	}

	@Test
	void aDemoProjectThatFailsHalfWayRemovesWhatItHadCreated() throws Exception {
		var plan = new DemoProjectPlan(7, 4, 2, Map.of("max_steps", 2), Map.of("max_steps", 2));
		List<Path> modelsBefore = modelFolders();
		withFailingInsert("reward_configs", "NEW.name LIKE 'REC preset (demo %'",
				() -> assertThatThrownBy(() -> demoProject.create(alice.user(), plan))
					.hasMessageContaining("/api/reward-configs answered 500"));
		assertThat(rows("datasets")).as("datasets uploaded before the failure").isZero();
		assertThat(rows("models")).as("the tiny model created before the failure").isZero();
		assertThat(rows("reward_configs")).isZero();
		assertThat(modelFolders()).isEqualTo(modelsBefore);
		assertThat(folders(studio.dataDir().resolve("demo-projects"))).as("generated files").isEmpty();
	}

	@Test
	void aRewardConfigurationWhoseInsertFailsStoresNothing() throws Exception {
		withFailingInsert("reward_configs", "NEW.name = 'doomed'", () -> mvc.perform(post("/api/reward-configs")
			.with(alice.api())
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"name\":\"doomed\",\"terms\":[{\"function\":\"iou\",\"weight\":1.0}]}"))
			.andExpect(status().is5xxServerError()));
		assertThat(rows("reward_configs")).isZero();
	}

	private org.springframework.test.web.servlet.ResultActions createTiny(String name) throws Exception {
		return mvc.perform(post("/api/models/tiny").with(alice.api())
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"name\":\"" + name + "\",\"seed\":1}"));
	}

	private interface Step {

		void run() throws Exception;

	}

	/** Runs {@code step} while inserts into {@code table} matching {@code condition} raise an exception. */
	private void withFailingInsert(String table, String condition, Step step) throws Exception {
		String function = "inject_failure_" + table;
		jdbc.execute("""
				CREATE OR REPLACE FUNCTION %s() RETURNS trigger AS $$
				BEGIN
				  IF %s THEN RAISE EXCEPTION 'injected failure'; END IF;
				  RETURN NEW;
				END $$ LANGUAGE plpgsql""".formatted(function, condition));
		jdbc.execute("CREATE TRIGGER %s BEFORE INSERT ON %s FOR EACH ROW EXECUTE FUNCTION %s()".formatted(function,
				table, function));
		try {
			step.run();
		}
		finally {
			jdbc.execute("DROP TRIGGER %s ON %s".formatted(function, table));
			jdbc.execute("DROP FUNCTION %s()".formatted(function));
		}
	}

	private long rows(String table) {
		return jdbc.queryForObject("SELECT count(*) FROM " + table + " WHERE owner_id = ?", Long.class,
				alice.user().id());
	}

	private List<Path> modelFolders() throws IOException {
		return folders(ModelCatalog.platformModelsDir(studio));
	}

	private static List<Path> folders(Path dir) throws IOException {
		if (!Files.isDirectory(dir)) {
			return List.of();
		}
		try (Stream<Path> entries = Files.list(dir)) {
			return entries.sorted().toList();
		}
	}

}
