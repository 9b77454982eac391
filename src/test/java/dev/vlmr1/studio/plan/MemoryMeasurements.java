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

import dev.vlmr1.studio.model.ChatMessage;
import dev.vlmr1.studio.model.ChatTemplate;
import dev.vlmr1.studio.model.NewModel;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;
import dev.vlmr1.studio.train.GrpoConfig;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures a run's real peak memory to hold the plan's estimate against: a fresh worker-like JVM
 * ({@link PeakMemoryProbe}, heap pre-touched so it counts as the plan counts it) trains two GRPO or SFT steps on one
 * image sample and reports its peak resident memory ({@code VmHWM}); the plan is asked for the same run with the
 * prompt and completion lengths the probe really has.
 */
final class MemoryMeasurements {

	static final Path TINY = Path.of("src/test/resources/fixtures/qwen2_5_vl_tiny");

	static final Path IMAGE = Path.of("src/test/resources/fixtures/images/d_640x480.png");

	static final String HEAP = "512m";

	static final String QUESTION = "Please find the region that the following sentence describes: the large object.";

	static final String ANSWER = "<think>the large object</think>\n<answer>{\"bbox_2d\": [10, 20, 300, 400]}</answer>";

	/**
	 * What the plan said and what was measured.
	 * @param seconds the probe's whole run (start, load, two steps)
	 * @param trainSeconds the steps' {@code time/train} (GRPO: log-probs, loss and backward) or {@code step_time}
	 * (SFT), summed
	 */
	record Comparison(String name, MemoryPlan plan, long measured, double seconds, double trainSeconds) {

		double ratio() {
			return (double) plan.required() / measured;
		}

		@Override
		public String toString() {
			List<String> parts = new ArrayList<>();
			plan.estimate().parts().forEach((p) -> parts.add(p.name() + " " + ByteSize.format(p.bytes())));
			return String.format(Locale.ROOT, "%s (%.0f s, training %.2f s): estimated %s (peak in %s: reserved %s, %s), measured %s, "
					+ "estimate/measured %.2f", name, seconds, trainSeconds, ByteSize.format(plan.required()), plan.estimate().phase(),
					ByteSize.format(plan.budget().reservedBytes()), String.join(", ", parts), ByteSize.format(measured),
					ratio());
		}

	}

	private final Path dir;

	/** Milliseconds per step after the first in the last measured run (NaN with fewer than two steps). */
	double lastStepMillis = Double.NaN;

	MemoryMeasurements(Path dir) throws IOException {
		this.dir = dir;
		ObjectMapper json = new ObjectMapper();
		Files.writeString(dir.resolve("data.jsonl"), "{\"id\": 1, \"image\": \"" + IMAGE.getFileName()
				+ "\", \"conversations\": [{\"from\": \"human\", \"value\": \"<image>" + QUESTION
				+ "\"}, {\"from\": \"gpt\", \"value\": " + json.writeValueAsString(ANSWER) + "}]}\n");
		Files.writeString(dir.resolve("rewards.json"), "[{\"function\": \"format\"}]");
	}

	/**
	 * A randomly initialised Qwen2.5-VL of mid size (hidden 768, 4 layers, 12 heads, 2 KV heads, vision width 128;
	 * about 27 M parameters) with the tiny fixture's tokenizer, written by {@link NewModel}.
	 */
	Path midSizeModel() throws IOException {
		Path mid = dir.resolve("mid");
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
		NewModel.writeRandomWeights(mid, 7);
		return mid;
	}

	/**
	 * Trains two steps of {@code kind} on {@code model} with {@code hp} in a probe JVM and plans the same run.
	 * @param completion GRPO's max_completion_length (SFT's is the answer's length)
	 */
	Comparison compare(String name, Path model, String kind, int completion, Map<String, Object> hp) throws Exception {
		Map<String, Object> run = new LinkedHashMap<>(hp);
		boolean grpo = kind.equals("grpo");
		run.put("max_prompt_length", promptTokens(model, grpo ? GrpoConfig.DEFAULT_TEMPLATE : "{question}"));
		run.put("max_completion_length", grpo ? completion : answerTokens(model));
		MemoryPlan plan = MemoryPlan.of(ModelShape.load(model), kind, run, MemoryBudget.cpuWorker(Long.MAX_VALUE / 2,
				ByteSize.parse(HEAP)));
		long start = System.nanoTime();
		String output = measure(model, kind, run);
		String line = output.lines().filter((l) -> l.startsWith(PeakMemoryProbe.PEAK)).findFirst().orElseThrow();
		long measured = Long.parseLong(line.substring(PeakMemoryProbe.PEAK.length()));
		Comparison comparison = new Comparison(name, plan, measured, (System.nanoTime() - start) / 1e9,
				summed(output, grpo ? "time/train=" : "step_time="));
		System.out.println(comparison);
		return comparison;
	}

	/** The sum of one metric over the probe's step lines ({@code [1/2  50%] name=value …}). */
	private static double summed(String output, String metric) {
		return output.lines()
			.filter((l) -> l.startsWith("[") && l.contains(" " + metric))
			.mapToDouble((l) -> Double.parseDouble(l.substring(l.indexOf(" " + metric) + metric.length() + 1).split(" ")[0]))
			.sum();
	}

	/** The output of a fresh JVM that trains two steps and prints its peak resident memory. */
	private String measure(Path model, String kind, Map<String, Object> run) throws Exception {
		List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx" + HEAP,
				"-Xms" + HEAP, "-XX:+AlwaysPreTouch", "-XX:ActiveProcessorCount=2", "-XX:TieredStopAtLevel=1",
				"-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
				PeakMemoryProbe.class.getName(), kind, "--model", model.toString(), "--data",
				dir.resolve("data.jsonl").toString(), "--images", IMAGE.getParent().toString(), "--out",
				Files.createTempDirectory(dir, "out").toString(), "--max-steps", "2", "--save-steps", "1000000",
				"--batch-size", String.valueOf(run.get("per_device_train_batch_size"))));
		if (run.get("gradient_accumulation_steps") != null) {
			cmd.addAll(List.of("--grad-accum", String.valueOf(run.get("gradient_accumulation_steps"))));
		}
		if (kind.equals("grpo")) {
			cmd.addAll(List.of("--rewards", dir.resolve("rewards.json").toString(), "--num-generations",
					String.valueOf(run.get("num_generations")), "--max-completion-length",
					String.valueOf(run.get("max_completion_length")), "--beta", String.valueOf(run.get("beta"))));
		}
		if (run.get("freeze_vision") instanceof Boolean frozen && frozen) {
			cmd.addAll(List.of("--freeze-vision", "true"));
		}
		if (run.get("lora_r") instanceof Integer r && r > 0) {
			cmd.addAll(List.of("--lora-r", String.valueOf(r), "--lora-dropout", "0"));
		}
		if (run.get("torch_dtype") instanceof String dtype) {
			cmd.addAll(List.of("--torch-dtype", dtype));
		}
		if (run.get("max_steps") instanceof Integer steps) {
			cmd.set(cmd.indexOf("--max-steps") + 1, String.valueOf(steps));
		}
		if (run.get("gradient_checkpointing") instanceof Boolean on && on) {
			cmd.addAll(List.of("--gradient-checkpointing", "true"));
		}
		ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
		builder.environment().put("DJL_OFFLINE", "true");
		builder.environment().put("OPT_OUT_TRACKING", "true");
		Process process = builder.start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		output.lines().filter((l) -> l.startsWith(PeakMemoryProbe.STEP_MS)).forEach((l) -> lastStepMillis =
				Double.parseDouble(l.substring(PeakMemoryProbe.STEP_MS.length())));
		return output;
	}

	static int promptTokens(Path model, String template) {
		try (QwenTokenizer tokenizer = QwenTokenizer.load(model)) {
			var images = ImageProcessor.fromCheckpoint(model).process(List.of(ImageProcessor.read(IMAGE)));
			return new ChatTemplate(tokenizer).prompt(List.of(ChatMessage.user(template.replace("{question}", QUESTION), 1)),
					images.tokensPerImage()).length;
		}
	}

	/** The SFT target: the answer and the end of the assistant turn. */
	static int answerTokens(Path model) {
		try (QwenTokenizer tokenizer = QwenTokenizer.load(model)) {
			return tokenizer.encode(ANSWER + "<|im_end|>\n").length;
		}
	}

}
