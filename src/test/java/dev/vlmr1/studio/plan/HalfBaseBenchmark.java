package dev.vlmr1.studio.plan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import dev.vlmr1.studio.model.ModelInputs;
import dev.vlmr1.studio.model.TorchDtype;
import dev.vlmr1.studio.model.lora.LoraConfig;
import dev.vlmr1.studio.model.lora.LoraTargets;
import dev.vlmr1.studio.train.Policy;

/**
 * A frozen float16 base against float32 for a LoRA GRPO run on the mid-size Qwen2.5-VL ({@link MemoryMeasurements},
 * about 27 M parameters): peak resident memory and milliseconds per step of three real steps in a fresh JVM each
 * ({@link PeakMemoryProbe}), and, in this JVM, the time of the training pass alone (forward and backward through the
 * decoder with adapters, the part whose products run in half precision). Prints the ratios float16 / float32. Not
 * run by {@code mvn verify}: {@code java -cp target/classes:target/test-classes:… dev.vlmr1.studio.plan.HalfBaseBenchmark}.
 *
 * <p>Measured on the 2-core machine (shared, so ±10 % on times): see the figures in docs and the report of the
 * change that added it.
 */
public final class HalfBaseBenchmark {

	private HalfBaseBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Path dir = Files.createTempDirectory("half-base");
		MemoryMeasurements measurements = new MemoryMeasurements(dir);
		Path mid = measurements.midSizeModel();
		Map<String, Object> run = new LinkedHashMap<>(Map.of("num_generations", 2, "per_device_train_batch_size", 2,
				"beta", 0.04, "lora_r", 16, "max_steps", 3));
		var f32 = measurements.compare("mid LoRA GRPO, float32 base", mid, "grpo", 32, run);
		double step32 = measurements.lastStepMillis;
		run.put("torch_dtype", "float16");
		var f16 = measurements.compare("mid LoRA GRPO, float16 base", mid, "grpo", 32, run);
		double step16 = measurements.lastStepMillis;
		double pass32 = trainingPassMillis(mid, TorchDtype.FLOAT32);
		double pass16 = trainingPassMillis(mid, TorchDtype.FLOAT16);
		System.out.println();
		System.out.println(f32);
		System.out.println(f16);
		System.out.printf(Locale.ROOT, "peak RSS: float32 %s, float16 %s, saved %s (float16/float32 %.3f)%n",
				ByteSize.format(f32.measured()), ByteSize.format(f16.measured()),
				ByteSize.format(f32.measured() - f16.measured()), (double) f16.measured() / f32.measured());
		System.out.printf(Locale.ROOT, "plan: float32 %s, float16 %s%n", ByteSize.format(f32.plan().required()),
				ByteSize.format(f16.plan().required()));
		System.out.printf(Locale.ROOT, "GRPO step (rollouts + training): float32 %.0f ms, float16 %.0f ms, ratio %.2f%n",
				step32, step16, step16 / step32);
		System.out.printf(Locale.ROOT, "training pass (forward + backward, 2 × 256 tokens): float32 %.0f ms, float16 %.0f ms, "
				+ "ratio %.2f%n", pass32, pass16, pass16 / pass32);
	}

	/** Mean time of a forward and backward through the LoRA model over 2 × 256 text tokens, after one warm-up. */
	static double trainingPassMillis(Path model, TorchDtype dtype) {
		try (Policy policy = Policy.load(model, dtype)) {
			policy.model().attachLora(new LoraConfig(16, 32, 0, LoraTargets.defaults()),
					dev.vlmr1.studio.model.lora.LoraAdapters.peftInit(1));
			policy.lora().parameters().values().forEach((p) -> p.setRequiresGradient(true));
			long vocab = policy.config().text().vocabSize();
			int repeats = 4;
			long start = 0;
			for (int i = 0; i <= repeats; i++) {
				if (i == 1) {
					start = System.nanoTime();
				}
				try (NDManager scope = policy.manager().newSubManager();
						GradientCollector collector = Engine.getInstance().newGradientCollector()) {
					NDArray ids = scope.randomInteger(0, vocab, new Shape(2, 256), ai.djl.ndarray.types.DataType.INT64);
					NDArray logits = policy.forward(ModelInputs.of(ids)).logits();
					collector.backward(logits.logSoftmax(-1).mean());
				}
			}
			return (System.nanoTime() - start) / 1e6 / repeats;
		}
	}

}
