package dev.vlmr1.studio.plan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vlmr1.studio.model.ChatMessage;
import dev.vlmr1.studio.model.ChatTemplate;
import dev.vlmr1.studio.model.NewModel;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;
import dev.vlmr1.studio.train.GrpoConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The plan's estimate against the measured peak memory of real training: a fresh worker-like JVM
 * ({@link PeakMemoryProbe}, heap pre-touched so it counts as the plan counts it) runs two GRPO or SFT steps, and its
 * peak resident memory ({@code VmHWM}) must be within 25 % of the plan's "needs". The tiny fixture model measures
 * the runtime the plan reserves; a mid-size Qwen2.5-VL (hidden 768, 4 layers, random weights, about 25 M
 * parameters) measures the tensors: weights, reference, gradients, AdamW moments, activations and KV cache.
 */
class MemoryPlanMeasurementTests {

	static final Path TINY = Path.of("src/test/resources/fixtures/qwen2_5_vl_tiny");

	static final Path IMAGE = Path.of("src/test/resources/fixtures/images/d_640x480.png");

	static final String HEAP = "512m";

	static final double TOLERANCE = 0.25;

	static final String QUESTION = "Please find the region that the following sentence describes: the large object.";

	static final String ANSWER = "<think>the large object</think>\n<answer>{\"bbox_2d\": [10, 20, 300, 400]}</answer>";

	@TempDir
	static Path dir;

	static Path mid;

	@BeforeAll
	static void midSizeModel() throws IOException {
		mid = dir.resolve("mid");
		Files.createDirectories(mid);
		for (String file : List.of("tokenizer.json", "tokenizer_config.json", "generation_config.json")) {
			Files.copy(TINY.resolve(file), mid.resolve(file));
		}
		ObjectMapper json = new ObjectMapper();
		ObjectNode config = (ObjectNode) json.readTree(TINY.resolve("config.json").toFile());
		ObjectNode text = (ObjectNode) config.get("text_config");
		text.put("hidden_size", 768).put("intermediate_size", 2048).put("num_hidden_layers", 4)
			.put("num_attention_heads", 12).put("num_key_value_heads", 2);
		text.putArray("layer_types").add("full_attention").add("full_attention").add("full_attention").add("full_attention");
		((ObjectNode) text.get("rope_parameters")).putArray("mrope_section").add(8).add(12).add(12);
		ObjectNode vision = (ObjectNode) config.get("vision_config");
		vision.put("hidden_size", 128).put("intermediate_size", 256).put("num_heads", 4).put("out_hidden_size", 768)
			.put("window_size", 112);
		json.writeValue(mid.resolve("config.json").toFile(), config);
		ObjectNode processor = (ObjectNode) json.readTree(TINY.resolve("preprocessor_config.json").toFile());
		processor.put("max_pixels", 100352);
		json.writeValue(mid.resolve("preprocessor_config.json").toFile(), processor);
		long start = System.nanoTime();
		NewModel.writeRandomWeights(mid, 7);
		System.out.printf(Locale.ROOT, "mid-size model written in %.1f s%n", (System.nanoTime() - start) / 1e9);
		Files.writeString(dir.resolve("data.jsonl"), "{\"id\": 1, \"image\": \"" + IMAGE.getFileName()
				+ "\", \"conversations\": [{\"from\": \"human\", \"value\": \"<image>" + QUESTION
				+ "\"}, {\"from\": \"gpt\", \"value\": " + json.writeValueAsString(ANSWER) + "}]}\n");
		Files.writeString(dir.resolve("rewards.json"), "[{\"function\": \"format\"}]");
	}

	@Test
	void grpoOnTheTinyModelNeedsWhatThePlanReservesForTheRuntime() throws Exception {
		expectWithinTolerance("tiny GRPO", TINY, "grpo", 32, Map.of("num_generations", 2, "per_device_train_batch_size", 2,
				"beta", 0.04));
	}

	@Test
	void grpoFullFineTuningOfAMidSizeModelWithItsReference() throws Exception {
		expectWithinTolerance("mid GRPO", mid, "grpo", 32, Map.of("num_generations", 2, "per_device_train_batch_size", 2,
				"beta", 0.04));
	}

	@Test
	void sftFullFineTuningOfAMidSizeModel() throws Exception {
		expectWithinTolerance("mid SFT", mid, "sft", 0, Map.of("per_device_train_batch_size", 2));
	}

	private void expectWithinTolerance(String name, Path model, String kind, int completion, Map<String, Object> hp)
			throws Exception {
		Map<String, Object> run = new LinkedHashMap<>(hp);
		boolean grpo = kind.equals("grpo");
		run.put("max_prompt_length", promptTokens(model, grpo ? GrpoConfig.DEFAULT_TEMPLATE : "{question}"));
		run.put("max_completion_length", grpo ? completion : answerTokens(model));
		run.put("max_pixels", 12845056);
		MemoryPlan plan = MemoryPlan.of(ModelShape.load(model), kind, run, MemoryBudget.cpuWorker(Long.MAX_VALUE / 2,
				ByteSize.parse(HEAP)));
		long start = System.nanoTime();
		long measured = measure(model, kind, run);
		System.out.printf(Locale.ROOT, "%s (%.0f s): estimated %s (%s phase: %s), measured %s, ratio %.2f%n", name,
				(System.nanoTime() - start) / 1e9,
				ByteSize.format(plan.required()), plan.estimate().phase(), describe(plan.estimate()),
				ByteSize.format(measured), (double) plan.required() / measured);
		assertThat((double) plan.required() / measured).as(name + ": estimate / measured peak")
			.isCloseTo(1.0, within(TOLERANCE));
	}

	private static String describe(MemoryEstimate estimate) {
		List<String> parts = new ArrayList<>();
		estimate.parts().forEach((p) -> parts.add(p.name() + " " + ByteSize.format(p.bytes())));
		return String.join(", ", parts);
	}

	/** Peak resident memory of a fresh JVM that trains two steps. */
	private long measure(Path model, String kind, Map<String, Object> run) throws Exception {
		List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx" + HEAP,
				"-Xms" + HEAP, "-XX:+AlwaysPreTouch", "-XX:ActiveProcessorCount=2", "-XX:TieredStopAtLevel=1",
				"-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
				PeakMemoryProbe.class.getName(), kind, "--model", model.toString(), "--data",
				dir.resolve("data.jsonl").toString(), "--images", IMAGE.getParent().toString(), "--out",
				Files.createTempDirectory(dir, "out").toString(), "--max-steps", "2", "--save-steps", "0",
				"--batch-size", String.valueOf(run.get("per_device_train_batch_size"))));
		if (kind.equals("grpo")) {
			cmd.addAll(List.of("--rewards", dir.resolve("rewards.json").toString(), "--num-generations",
					String.valueOf(run.get("num_generations")), "--max-completion-length",
					String.valueOf(run.get("max_completion_length")), "--beta", String.valueOf(run.get("beta"))));
		}
		ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
		builder.environment().put("DJL_OFFLINE", "true");
		builder.environment().put("OPT_OUT_TRACKING", "true");
		Process process = builder.start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		String line = output.lines().filter((l) -> l.startsWith(PeakMemoryProbe.PEAK)).findFirst().orElseThrow();
		return Long.parseLong(line.substring(PeakMemoryProbe.PEAK.length()));
	}

	private static int promptTokens(Path model, String template) {
		try (QwenTokenizer tokenizer = QwenTokenizer.load(model)) {
			var images = ImageProcessor.fromCheckpoint(model).process(List.of(ImageProcessor.read(IMAGE)));
			return new ChatTemplate(tokenizer).prompt(List.of(ChatMessage.user(template.replace("{question}", QUESTION), 1)),
					images.tokensPerImage()).length;
		}
	}

	/** The SFT target: the answer and the end of the assistant turn. */
	private static int answerTokens(Path model) {
		try (QwenTokenizer tokenizer = QwenTokenizer.load(model)) {
			return tokenizer.encode(ANSWER + "<|im_end|>\n").length;
		}
	}

}
