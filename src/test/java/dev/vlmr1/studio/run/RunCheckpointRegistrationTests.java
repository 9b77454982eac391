package dev.vlmr1.studio.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import dev.vlmr1.studio.catalog.CatalogModel;
import dev.vlmr1.studio.catalog.ModelCatalog;
import dev.vlmr1.studio.web.CurrentUser;
import dev.vlmr1.studio.web.StudioProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A checkpoint the worker records becomes a catalog model (owned by the run's owner, naming the run as its
 * source) when it is a complete Hugging Face directory the catalog accepts; anything else is only recorded, with
 * the reason in the run's log. The run page links each registered checkpoint to the REC demo.
 */
class RunCheckpointRegistrationTests extends RunTestSupport {

	static final Path TINY = Path.of("src/test/resources/fixtures/qwen2_5_vl_tiny");

	static final List<String> FILES = List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
			"preprocessor_config.json", "generation_config.json");

	@Autowired
	StudioProperties studio;

	@Autowired
	ModelCatalog catalog;

	@Test
	void aCompleteCheckpointIsRegisteredAsAModelOfTheRun() throws Exception {
		CurrentUser alice = newUser(false);
		CurrentUser bob = newUser(false);
		drainQueue();
		RunId id = queuedRun(alice);
		UUID lease = runs.claimNext("w").orElseThrow().leaseToken();
		Path dir = copyCheckpoint(runDirectory(studio, id).resolve("step-2"));

		runs.recordCheckpoint(id, lease, 2, dir.toString());

		Long modelId = checkpointModel(id, 2);
		assertThat(modelId).isNotNull();
		CatalogModel model = catalog.find(alice, modelId).orElseThrow();
		assertThat(model.name()).isEqualTo("run #" + id.value() + " step 2");
		assertThat(model.sourceRunId()).isEqualTo(id.value());
		assertThat(model.ownerId()).isEqualTo(alice.id());
		assertThat(model.modelType()).isEqualTo("qwen2_5_vl");
		assertThat(catalog.find(bob, modelId)).isEmpty();
		assertThat(jdbc.sql("SELECT payload->>'modelId' FROM run_events WHERE run_id = ? AND type = 'CHECKPOINT'")
			.param(id.value()).query(String.class).single()).isEqualTo(modelId.toString());

		// a repeated report of the same checkpoint registers nothing new
		runs.recordCheckpoint(id, lease, 2, dir.toString());
		assertThat(checkpointModel(id, 2)).isEqualTo(modelId);
		assertThat(modelsOfRun(id)).isEqualTo(1);

		mvc.perform(get("/api/runs/" + id.value() + "/checkpoints").with(as(alice)))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$[0].modelId").value(modelId));
		mvc.perform(get("/runs/" + id.value()).with(onPage(alice)))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("href=\"/demo/rec?modelId=" + modelId + "\"")));
	}

	@Test
	void incompleteOrForeignDirectoriesAreRecordedButNotRegistered() throws Exception {
		CurrentUser alice = newUser(false);
		drainQueue();
		RunId id = queuedRun(alice);
		UUID lease = runs.claimNext("w").orElseThrow().leaseToken();
		Path partial = copyCheckpoint(runDirectory(studio, id).resolve("step-1"));
		Files.delete(partial.resolve("tokenizer.json"));
		runs.recordCheckpoint(id, lease, 1, partial.toString());
		// complete, but outside the run's own artifact directory
		Path outside = copyCheckpoint(Files.createTempDirectory("outside-roots").resolve("step-3"));
		runs.recordCheckpoint(id, lease, 3, outside.toString());
		runs.recordCheckpoint(id, lease, 4, "relative/step-4");

		assertThat(runs.checkpoints(id)).extracting(Checkpoint::step).containsExactly(1, 3, 4);
		assertThat(checkpointModel(id, 1)).isNull();
		assertThat(checkpointModel(id, 3)).isNull();
		assertThat(modelsOfRun(id)).isZero();
		List<String> logs = jdbc.sql("SELECT payload->'lines'->>0 FROM run_events WHERE run_id = ? AND type = 'LOG' ORDER BY seq")
			.param(id.value()).query(String.class).list();
		assertThat(logs).hasSize(3);
		assertThat(logs.get(0)).contains("step 1 not registered", "no tokenizer.json");
		assertThat(logs.get(1)).contains("step 3 not registered");
		assertThat(logs.get(2)).contains("step 4 not registered", "absolute");
		mvc.perform(get("/runs/" + id.value()).with(onPage(alice)))
			.andExpect(status().isOk())
			.andExpect(content().string(org.hamcrest.Matchers.not(containsString("open in demo"))));
	}

	@Test
	void aStaleLeaseRegistersNothing() throws Exception {
		drainQueue();
		RunId id = queuedRun(newUser(false));
		runs.claimNext("w").orElseThrow();
		Path dir = copyCheckpoint(runDirectory(studio, id).resolve("step-5"));
		assertThatThrownBy(() -> runs.recordCheckpoint(id, UUID.randomUUID(), 5, dir.toString()))
			.isInstanceOf(LeaseLostException.class);
		assertThat(runs.checkpoints(id)).isEmpty();
		assertThat(modelsOfRun(id)).isZero();
	}

	/** Where a run's worker writes its checkpoints, the only place the catalog registers them from. */
	static Path runDirectory(StudioProperties studio, RunId run) {
		return studio.artifactsDir().toAbsolutePath().resolve("runs").resolve(Long.toString(run.value()));
	}

	static Path copyCheckpoint(Path target) throws Exception {
		Files.createDirectories(target);
		for (String file : FILES) {
			Files.copy(TINY.resolve(file), target.resolve(file));
		}
		return target;
	}

	private Long checkpointModel(RunId id, int step) {
		return jdbc.sql("SELECT model_id FROM checkpoints WHERE run_id = ? AND step = ?")
			.params(id.value(), step)
			.query((rs, n) -> {
				long v = rs.getLong(1);
				return rs.wasNull() ? null : v;
			})
			.list()
			.get(0);
	}

	private long modelsOfRun(RunId id) {
		return jdbc.sql("SELECT count(*) FROM models WHERE source_run_id = ?").param(id.value()).query(Long.class).single();
	}

}
