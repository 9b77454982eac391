package dev.vlmr1.studio.executor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import dev.vlmr1.studio.StudioApplication;
import dev.vlmr1.studio.model.NewModel;
import dev.vlmr1.studio.model.RandomInit;
import dev.vlmr1.studio.model.safetensors.DType;
import dev.vlmr1.studio.synth.BpeTokenizer;
import dev.vlmr1.studio.synth.BpeTokenizerTrainer;
import dev.vlmr1.studio.synth.SynthTask;
import dev.vlmr1.studio.synth.SyntheticDataset;
import dev.vlmr1.studio.synth.SyntheticDatasetWriter;
import dev.vlmr1.studio.synth.TinyQwenVl;
import dev.vlmr1.studio.synth.TokenizerCorpus;
import dev.vlmr1.studio.web.TestUsers;

import static dev.vlmr1.studio.executor.StudioHttp.map;

/**
 * A model of Qwen2.5-VL-3B's real shape trained with LoRA GRPO on this machine, through the platform as a user
 * would: random weights in BF16 shards with the released configuration (text: hidden 2048, 36 layers, 16 query and 2
 * key/value heads, MLP 11008, vocabulary 151,936, tied embeddings; vision: 32 blocks of width 1280, MLP 3420, 16
 * heads, window 112, full attention in blocks 7, 15, 23, 31), registered over REST, one REC image prompt, a LoRA
 * GRPO run of two steps (G = 2, at most 48 new tokens: the REC answer takes about 40 with the synthetic tokenizer, and a shorter budget is refused before the run is queued) in a local worker process. Prints the worker's peak resident memory
 * (VmHWM, sampled from {@code /proc}) against the memory plan's estimate, and the time of each phase.
 *
 * <p>{@code -DgradientCheckpointing=true} runs it with the {@code gradient_checkpointing} hyperparameter.
 *
 * <p>Needs about 16 GiB free memory and 8 GB of disk. The tokenizer is the synthetic one (its ids fit the real
 * vocabulary); the weights are random, so the completions are noise: this measures size, not quality.
 *
 * <p>Run twice (the first writes the checkpoint, the second trains in a fresh process):
 * {@code java -Xmx6g -DwriteOnly=true -cp target/test-classes:target/classes:<deps> dev.vlmr1.studio.executor.ThreeBShapedRunBenchmark DIR},
 * then the same without {@code -DwriteOnly}. Add {@code -DtorchDtype=float16} to the second to train on a frozen
 * half-precision base (run setting {@code torch_dtype}).
 */
public final class ThreeBShapedRunBenchmark {

	/** Qwen/Qwen2.5-VL-3B-Instruct's dimensions; the vocabulary, window and full-attention blocks are set below. */
	static final TinyQwenVl QWEN25_VL_3B = new TinyQwenVl(2048, 36, 16, 2, 11008, 1280, 32, 16, 3420, 12_845_056);

	static final int VOCABULARY = 151_936;

	private static final ObjectMapper JSON = new ObjectMapper();

	private ThreeBShapedRunBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Path root = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("3b-shaped");
		Path model = root.resolve("import/qwen2.5-vl-3b-shaped");
		long writeStart = System.nanoTime();
		if (!Files.isRegularFile(model.resolve("model.safetensors.index.json"))) {
			writeCheckpoint(model);
		}
		double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
		if (Boolean.getBoolean("writeOnly")) {
			// libtorch keeps freed memory in this process: train in a fresh one so the worker has the machine
			System.out.printf(Locale.ROOT, "checkpoint written in %.0f s; run again without -DwriteOnly to train%n", writeSeconds);
			return;
		}

		Path dataDir = root.resolve("data");
		ConfigurableApplicationContext app = SpringApplication.run(StudioApplication.class, "--server.port=0",
				"--studio.data-dir=" + dataDir, "--studio.models.import-roots=" + root.resolve("import"), "--studio.executor.local.enabled=true",
				"--studio.executor.local.memory-limit=" + System.getProperty("memoryLimit", "22g"),
				"--studio.executor.local.heap=" + System.getProperty("workerHeap", "3g"), "--studio.executor.local.threads=2", "--studio.runs.lease=PT10M",
				"--studio.executor.progress-timeout=PT2H");
		int status = 0;
		try {
			status = run(app, model, root, writeSeconds);
		}
		finally {
			app.close();
		}
		System.exit(status);
	}

	private static int run(ConfigurableApplicationContext app, Path model, Path root, double writeSeconds) throws Exception {
		int port = app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		StudioHttp http = new StudioHttp(port, new TestUsers(app).create("bench").bearer());
		var registered = http.post("/api/models", map("name", "qwen2.5-vl-3b-shaped", "path", model.toString()));
		require(registered.status() == 201, registered.body());
		long modelId = registered.json().get("id").asLong();
		var samples = new SyntheticDataset(3, 112, 112).generate(SynthTask.REC, SyntheticDataset.Split.IN_DOMAIN, 1, "rec");
		Path jsonl = SyntheticDatasetWriter.write(samples, root.resolve("dataset-" + System.nanoTime()), "rec");
		var dataset = http.uploadDataset("one-rec-prompt", jsonl);
		require(dataset.status() == 201, dataset.body());
		var reward = http.post("/api/reward-configs", map("name", "rec", "description", "REC", "terms",
				List.of(map("function", "iou", "weight", 1.0), map("function", "format_rec", "weight", 1.0))));
		require(reward.status() == 201, reward.body());
		Map<String, Object> hyperparameters = map("max_steps", 2, "num_generations", 2, "per_device_train_batch_size", 2,
				"gradient_accumulation_steps", 1, "max_completion_length", 48, "max_prompt_length", 256, "lora_r", 16,
				"lora_alpha", 32, "learning_rate", 1e-4, "save_steps", 2, "max_pixels", 112 * 112);
		// -DtorchDtype=float16: the frozen base in half precision (LoRA adapters stay float32)
		String torchDtype = System.getProperty("torchDtype");
		if (torchDtype != null) {
			hyperparameters.put("torch_dtype", torchDtype);
		}
		// -DgradientCheckpointing=true: the decoder layers' activations are recomputed in backward
		if (Boolean.getBoolean("gradientCheckpointing")) {
			hyperparameters.put("gradient_checkpointing", true);
		}
		var estimate = http.post("/api/runs/plan", map("type", "grpo", "modelId", modelId, "hyperparameters",
				hyperparameters));
		var created = http.post("/api/runs", map("type", "grpo", "modelId", modelId, "datasetIds",
				List.of(dataset.json().get("id").asLong()), "rewardConfigId", reward.json().get("id").asLong(),
				"hyperparameters", hyperparameters));
		require(created.status() == 201, created.body());
		long runId = created.json().get("id").asLong();

		AtomicLong peakKiB = new AtomicLong();
		Thread sampler = new Thread(() -> samplePeak(app, peakKiB), "peak-memory");
		sampler.setDaemon(true);
		sampler.start();
		long start = System.nanoTime();
		JsonNode view;
		do {
			Thread.sleep(2000);
			view = http.get("/api/runs/" + runId).json();
		}
		while (!List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(view.get("state").asText())
				&& System.nanoTime() - start < Duration.ofHours(2).toNanos());
		double runSeconds = (System.nanoTime() - start) / 1e9;
		sampler.interrupt();

		System.out.printf(Locale.ROOT, "checkpoint: %s, written in %.0f s%n", model, writeSeconds);
		System.out.printf(Locale.ROOT, "run %d: %s in %.0f s (%s)%n", runId, view.get("state").asText(), runSeconds,
				view.path("stateReason").asText(""));
		for (String metric : List.of("time/rollout", "time/reward", "time/train", "time/optimizer", "step_time", "loss",
				"reward", "completions/mean_length")) {
			System.out.printf(Locale.ROOT, "  %-24s %s%n", metric, values(http, runId, metric));
		}
		double peakGiB = peakKiB.get() / 1024.0 / 1024.0;
		System.out.printf(Locale.ROOT, "worker peak resident memory: %.2f GiB%n", peakGiB);
		System.out.println("memory plan: " + estimate.status() + " " + estimate.body());
		if (estimate.status() == 200) {
			double planned = estimate.json().path("requiredBytes").asDouble() / (1L << 30);
			System.out.printf(Locale.ROOT, "plan / measured = %.2f%n", planned / peakGiB);
		}
		System.out.println(http.get("/api/runs/" + runId + "/attempts/diagnostics").body());
		return "SUCCEEDED".equals(view.get("state").asText()) ? 0 : 1;
	}

	/** The highest VmHWM of any local worker process while the run lasts. */
	private static void samplePeak(ConfigurableApplicationContext app, AtomicLong peakKiB) {
		LocalProcessDispatcher dispatcher = app.getBean(LocalProcessDispatcher.class);
		while (!Thread.currentThread().isInterrupted()) {
			for (long pid : dispatcher.workerPids()) {
				try {
					for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
						if (line.startsWith("VmHWM:")) {
							long kib = Long.parseLong(line.replaceAll("\\D", ""));
							peakKiB.accumulateAndGet(kib, Math::max);
						}
					}
				}
				catch (IOException ex) {
					// the worker ended between listing and reading
				}
			}
			try {
				Thread.sleep(500);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	private static List<Double> values(StudioHttp http, long runId, String metric) throws Exception {
		List<Double> values = new ArrayList<>();
		http.get("/api/runs/" + runId + "/metrics?name=" + java.net.URLEncoder.encode(metric,
				java.nio.charset.StandardCharsets.UTF_8)).json().path("points").forEach(p -> values.add(p.get("value").asDouble()));
		return values;
	}

	/** Tokenizer and configs as for a tiny model, then the released 3B values, then random BF16 weights. */
	static void writeCheckpoint(Path dir) throws IOException {
		Files.createDirectories(dir);
		BpeTokenizer tokenizer = new BpeTokenizerTrainer(512, 2).train(TokenizerCorpus.fromSamples(
				new SyntheticDataset(1, 112, 112).generate(SynthTask.REC, SyntheticDataset.Split.IN_DOMAIN, 200, "corpus")));
		tokenizer.write(dir);
		QWEN25_VL_3B.write(dir, tokenizer);
		ObjectNode config = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
		ObjectNode text = (ObjectNode) config.get("text_config");
		text.put("vocab_size", VOCABULARY);
		text.put("initializer_range", 0.02);
		text.put("max_position_embeddings", 128_000);
		ObjectNode vision = (ObjectNode) config.get("vision_config");
		vision.put("window_size", 112);
		vision.put("initializer_range", 0.02);
		vision.putArray("fullatt_block_indexes").add(7).add(15).add(23).add(31);
		config.put("dtype", "bfloat16");
		Files.writeString(dir.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
		NewModel.Written written = NewModel.writeRandomWeights(dir, new RandomInit(3, 0.02), DType.BF16, 2_000_000_000L);
		System.out.printf(Locale.ROOT, "wrote %,d parameters in %d files%n", written.parameterCount(), written.files().size());
	}

	private static void require(boolean condition, String why) {
		if (!condition) {
			throw new IllegalStateException(why);
		}
	}

}
