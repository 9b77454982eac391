package dev.vlmr1.studio.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.vlmr1.studio.model.QwenVlConfig;
import dev.vlmr1.studio.model.QwenVlModel;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;

/**
 * One GRPO step on a mid-size Qwen2.5-VL (text hidden 512, 8 layers, 8/2 heads; vision width 256, 4 blocks; random
 * weights, the fixtures' tokenizer) with 2 image prompts × G = 8 and up to 128 new tokens, β = 0.04: time per phase
 * (rollout / reward / forward-backward / optimizer), tokens per second, and the training phase's FLOP/s (8·N per
 * trained token: forward + backward of the policy, forward of the reference; N = the language model's matrix
 * parameters, the tied head counted once; vision and attention-score FLOPs left out) as a ratio to the FLOP/s of a plain matmul of the model's shapes measured in
 * the same run. Run with {@code main [steps]}; not a test.
 */
public final class GrpoStepBenchmark {

	private GrpoStepBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int steps = args.length > 0 ? Integer.parseInt(args[0]) : 2;
		Path fixture = Path.of("src/test/resources/fixtures/qwen2_5_vl_tiny");
		QwenVlConfig config = QwenVlConfig.fromJson(midSize(fixture));
		List<TrainingSample> samples = List.of(
				new TrainingSample("a", "Where is the red box?", List.of(Path.of("src/test/resources/fixtures/images/i_168x112.png")),
						"[1, 2, 3, 4]", Map.of()),
				new TrainingSample("b", "Count the boxes.", List.of(Path.of("src/test/resources/fixtures/images/h_150x95.png")),
						"2", Map.of()));
		GrpoConfig grpo = GrpoConfig.builder()
			.numGenerations(8)
			.perDeviceTrainBatchSize(16)
			.maxCompletionLength(128)
			.maxSteps(steps + 1)
			.learningRate(1e-5)
			.build();
		var device = Engine.getInstance().defaultDevice();
		try (Policy policy = new Policy(QwenVlModel.load(config, new SeededInitializer(1, 0.02), device));
				Policy reference = new Policy(QwenVlModel.load(config, new SeededInitializer(1, 0.02), device));
				QwenTokenizer tokenizer = QwenTokenizer.load(fixture)) {
			long matmulParams = policy.parameters().entrySet().stream()
				.filter((e) -> e.getKey().startsWith("model.") && e.getValue().getShape().dimension() >= 2)
				.mapToLong((e) -> e.getValue().getShape().size()).sum();
			List<StepMetrics> metrics = new ArrayList<>();
			var setup = new GrpoTrainer.Setup(policy, reference, tokenizer, ImageProcessor.fromCheckpoint(fixture),
					new TestRewards(), samples, metrics::add, fixture, null);
			try (GrpoTrainer trainer = new GrpoTrainer(setup, grpo)) {
				trainer.step(); // warm-up: allocations, optimizer state
				for (int i = 0; i < steps; i++) {
					trainer.step();
				}
			}
			double rollout = 0, reward = 0, train = 0, optimizer = 0, total = 0, trainedTokens = 0, generated = 0;
			for (StepMetrics m : metrics.subList(1, metrics.size())) {
				rollout += m.get("time/rollout");
				reward += m.get("time/reward");
				train += m.get("time/train");
				optimizer += m.get("time/optimizer");
				total += m.get("step_time");
				generated += m.get("completions/mean_length") * 16;
			}
			trainedTokens = (metrics.get(metrics.size() - 1).get("num_tokens") - metrics.get(0).get("num_tokens"));
			// forward + backward of the policy (6·N per token) and the reference forward (2·N per token)
			double trainFlops = 8.0 * matmulParams * trainedTokens / train;
			double matmul = matmulFlops();
			System.out.printf("mid-size Qwen2.5-VL, %d text matrix params, %d measured steps, 2 prompts x G=8, <=128 new tokens%n",
					matmulParams, steps);
			System.out.printf("per step: rollout %.2f s, reward %.3f s, forward-backward %.2f s, optimizer %.3f s, total %.2f s%n",
					rollout / steps, reward / steps, train / steps, optimizer / steps, total / steps);
			System.out.printf("rollout %.1f generated tokens/s; training %.1f tokens/s (prompt + completion)%n",
					generated / rollout, trainedTokens / train);
			System.out.printf("training %.2f GFLOP/s vs plain matmul %.2f GFLOP/s: ratio %.2f%n", trainFlops / 1e9,
					matmul / 1e9, trainFlops / matmul);
		}
	}

	/** FLOP/s of [1024, 512] × [512, 1536] matmuls, the MLP shape of the benchmark model. */
	static double matmulFlops() {
		try (NDManager manager = NDManager.newBaseManager()) {
			NDArray a = manager.randomNormal(new Shape(1024, 512));
			NDArray b = manager.randomNormal(new Shape(512, 1536));
			for (int i = 0; i < 3; i++) {
				a.matMul(b).close();
			}
			int rounds = 20;
			long start = System.nanoTime();
			for (int i = 0; i < rounds; i++) {
				a.matMul(b).close();
			}
			double seconds = (System.nanoTime() - start) / 1e9;
			return 2.0 * 1024 * 512 * 1536 * rounds / seconds;
		}
	}

	/** The fixture config scaled to the benchmark size. */
	static ObjectNode midSize(Path fixture) throws Exception {
		ObjectNode root = (ObjectNode) new ObjectMapper().readTree(Files.readString(fixture.resolve("config.json")));
		ObjectNode text = (ObjectNode) root.get("text_config");
		text.put("hidden_size", 512).put("intermediate_size", 1536).put("num_hidden_layers", 8)
			.put("num_attention_heads", 8).put("num_key_value_heads", 2);
		text.putArray("layer_types").addAll(java.util.Collections.nCopies(8,
				com.fasterxml.jackson.databind.node.TextNode.valueOf("full_attention")));
		((ObjectNode) text.get("rope_parameters")).putArray("mrope_section").add(8).add(12).add(12);
		ObjectNode vision = (ObjectNode) root.get("vision_config");
		vision.put("hidden_size", 256).put("intermediate_size", 512).put("num_heads", 4).put("depth", 4)
			.put("out_hidden_size", 512);
		return root;
	}

}
