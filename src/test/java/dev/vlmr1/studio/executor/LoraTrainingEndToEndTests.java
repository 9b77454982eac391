package dev.vlmr1.studio.executor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.synth.TinyModelCreator;
import dev.vlmr1.studio.executor.StudioHttp.Answer;
import dev.vlmr1.studio.model.lora.PeftAdapterFiles;
import dev.vlmr1.studio.model.safetensors.SafetensorsReader;
import dev.vlmr1.studio.synth.SynthTask;
import dev.vlmr1.studio.synth.SyntheticDataset;
import dev.vlmr1.studio.synth.SyntheticDatasetWriter;
import dev.vlmr1.studio.synth.TinyQwenVl;
import dev.vlmr1.studio.web.StudioProperties;
import dev.vlmr1.studio.web.TestModels;
import dev.vlmr1.studio.web.TestUsers;

import static dev.vlmr1.studio.executor.StudioHttp.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A run with {@code lora_r} &gt; 0 trains adapters in a real worker process: its checkpoints are PEFT adapters
 * (rank and α as asked, B moved away from its zero start) with no copy of the base weights, and GRPO's KL is taken
 * against the base with the adapters off.
 */
@AutoConfigureMockMvc
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "studio.executor.local.enabled=true", "studio.executor.sweeper-enabled=true",
				"studio.executor.heartbeat=PT1S", "studio.executor.poll-interval=PT0.2S",
				"studio.executor.register-interval=PT0.3S", "studio.runs.lease=PT20S", "studio.executor.retry-base=PT1S" })
@Slow
class LoraTrainingEndToEndTests {

	private static final Duration RUN_TIMEOUT = Duration.ofSeconds(180);

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	@Autowired
	StudioProperties studio;

	StudioHttp http;

	@BeforeEach
	void user() {
		http = new StudioHttp(port, new TestUsers(context).create("lora-e2e").bearer());
	}

	@Test
	void sftAndGrpoRunsWithLoraRankTrainPeftAdaptersInAWorker() throws Exception {
		long model = tinyModel("tiny-lora");
		Path data = synthetic(5, 6, "rec_lora");
		long dataset = upload("synthetic-rec-lora", data);
		long sft = queue(map("type", "sft", "modelId", model, "datasetIds", List.of(dataset), "hyperparameters",
				map("max_steps", 3, "save_steps", 3, "learning_rate", 1e-2, "per_device_train_batch_size", 2,
						"gradient_accumulation_steps", 1, "lora_r", 4, "lora_alpha", 16, "lora_dropout", 0.1,
						"lora_target_modules", "decoder_attention")));
		assertSucceeded(sft);
		Path sftCheckpoint = onlyCheckpoint(sft);
		JsonNode config = new ObjectMapper().readTree(sftCheckpoint.resolve(PeftAdapterFiles.CONFIG).toFile());
		assertThat(config.get("r").asInt()).isEqualTo(4);
		assertThat(config.get("lora_alpha").asInt()).isEqualTo(16);
		assertThat(config.get("lora_dropout").asDouble()).isEqualTo(0.1);
		try (var adapter = SafetensorsReader.open(sftCheckpoint.resolve(PeftAdapterFiles.WEIGHTS))) {
			// decoder_attention: q, k, v, o of every decoder layer, each A and B, nothing else
			assertThat(adapter.names()).isNotEmpty().allSatisfy((name) -> assertThat(name).matches(
					"base_model\\.model\\.model\\.language_model\\.layers\\.\\d+\\.self_attn\\.[qkvo]_proj\\.lora_[AB]\\.weight"));
			String b = adapter.names().stream().filter((name) -> name.endsWith("q_proj.lora_B.weight")).findFirst().orElseThrow();
			double largest = 0;
			for (float v : adapter.floats(b)) {
				largest = Math.max(largest, Math.abs(v));
			}
			assertThat(largest).as("B trained away from its zero start").isGreaterThan(1e-4);
		}

		Answer reward = http.post("/api/reward-configs", map("name", "rec-lora", "description", "REC preset", "terms",
				List.of(map("function", "iou", "weight", 1.0), map("function", "format_rec", "weight", 1.0))));
		assertThat(reward.status()).as(reward.body()).isEqualTo(201);
		long grpo = queue(map("type", "grpo", "modelId", model, "datasetIds", List.of(dataset), "rewardConfigId",
				reward.json().get("id").asLong(), "hyperparameters",
				map("max_steps", 2, "save_steps", 2, "learning_rate", 1e-2, "num_generations", 2,
						"per_device_train_batch_size", 2, "gradient_accumulation_steps", 1, "max_completion_length", 48,
						"lora_r", 2, "lora_alpha", 4)));
		assertSucceeded(grpo);
		List<Double> kl = new ArrayList<>();
		http.get("/api/runs/" + grpo + "/metrics?name=kl").json().get("points").forEach((p) -> kl.add(p.get("value").asDouble()));
		assertThat(kl).as("KL against the base with the adapters off").hasSize(2).first().isEqualTo(0.0);
		Path grpoCheckpoint = onlyCheckpoint(grpo);
		assertThat(Files.readString(grpoCheckpoint.resolve(PeftAdapterFiles.CONFIG))).contains("\"peft_type\" : \"LORA\"");
		try (var adapter = SafetensorsReader.open(grpoCheckpoint.resolve(PeftAdapterFiles.WEIGHTS))) {
			// the default targets: the decoder's seven projections
			assertThat(adapter.names()).anySatisfy((name) -> assertThat(name).endsWith("mlp.down_proj.lora_A.weight"));
		}

		// the final adapter checkpoint is registered in the catalog and the REC demo answers with base + adapter
		long adapterModel = registeredModelOf(grpo, 2);
		byte[] image = Files.readAllBytes(data.resolveSibling("images").resolve("rec-lora-0.png"));
		Answer demo = http.post("/api/demo/rec", map("modelId", adapterModel, "expression", "the circle", "max_new_tokens",
				6, "image", "data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(image)));
		assertThat(demo.status()).as(demo.body()).isEqualTo(200);
		assertThat(demo.json().has("completion")).isTrue();
	}

	private long registeredModelOf(long run, int finalStep) {
		List<Long> found = new ArrayList<>();
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
			for (JsonNode m : http.get("/api/models").json()) {
				if (m.hasNonNull("sourceRunId") && m.get("sourceRunId").asLong() == run
						&& m.get("path").asText().endsWith("checkpoint-" + finalStep)) {
					found.add(m.get("id").asLong());
					return true;
				}
			}
			return false;
		});
		return found.get(0);
	}

	/** The run's single checkpoint: a PEFT adapter directory, no copy of the base weights. */
	private Path onlyCheckpoint(long run) throws Exception {
		JsonNode checkpoints = http.get("/api/runs/" + run + "/checkpoints").json();
		assertThat(checkpoints).hasSize(1);
		Path dir = Path.of(checkpoints.get(0).get("path").asText());
		assertThat(dir.resolve(PeftAdapterFiles.WEIGHTS)).isRegularFile();
		assertThat(dir.resolve("model.safetensors")).as("no copy of the base").doesNotExist();
		return dir;
	}

	private void assertSucceeded(long run) throws Exception {
		JsonNode view = awaitTerminal(run);
		assertThat(view.get("state").asText())
			.as(view + " log: " + http.get("/api/runs/" + run + "/attempts/diagnostics").body())
			.isEqualTo("SUCCEEDED");
	}

	@Test
	void aLoraDropoutOfOneIsRefusedWithTheFieldNamed() throws Exception {
		long model = tinyModel("tiny-lora-bad");
		long dataset = upload("synthetic-rec-lora-bad", synthetic(6, 2, "rec_lora_bad"));
		Answer refused = http.post("/api/runs", map("type", "sft", "modelId", model, "datasetIds", List.of(dataset),
				"hyperparameters", map("lora_r", 4, "lora_dropout", 1.0, "lora_target_modules", "everything")));
		assertThat(refused.status()).isEqualTo(400);
		assertThat(refused.body()).contains("hyperparameters.lora_target_modules");
		Answer dropout = http.post("/api/runs", map("type", "sft", "modelId", model, "datasetIds", List.of(dataset),
				"hyperparameters", map("lora_r", 4, "lora_dropout", 1.0)));
		assertThat(dropout.status()).isEqualTo(400);
		assertThat(dropout.body()).contains("hyperparameters.lora_dropout").contains("must be < 1");
	}

	private JsonNode awaitTerminal(long run) {
		List<JsonNode> last = new ArrayList<>();
		await().atMost(RUN_TIMEOUT).pollInterval(Duration.ofMillis(300)).until(() -> {
			JsonNode view = http.get("/api/runs/" + run).json();
			last.add(0, view);
			return List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(view.get("state").asText());
		});
		return last.get(0);
	}

	private long tinyModel(String name) throws Exception {
		Path dir = TestModels.importRoot(context).resolve(name + "-" + System.nanoTime());
		TinyModelCreator.create(dir, 1, List.of(), 512, TinyQwenVl.DEFAULT);
		Answer registered = http.post("/api/models", map("name", name + "-" + System.nanoTime(), "path", dir.toString()));
		assertThat(registered.status()).as(registered.body()).isEqualTo(201);
		return registered.json().get("id").asLong();
	}

	private Path synthetic(long seed, int count, String name) {
		Path dir = studio.dataDir().toAbsolutePath().resolve("synth-" + name + "-" + System.nanoTime());
		var samples = new SyntheticDataset(seed, 112, 112).generate(SynthTask.REC, SyntheticDataset.Split.IN_DOMAIN, count,
				name.replace('_', '-'));
		return SyntheticDatasetWriter.write(samples, dir, name);
	}

	private long upload(String name, Path jsonl) throws Exception {
		Answer uploaded = http.uploadDataset(name, jsonl);
		assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);
		return uploaded.json().get("id").asLong();
	}

	private long queue(Map<String, Object> body) throws Exception {
		Answer created = http.post("/api/runs", body);
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json().get("id").asLong();
	}

}
