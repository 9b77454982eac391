package dev.vlmr1.studio.plan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 * <p>Measured on the 2-core machine while other builds ran (load 14–24, so times are rough): the 28 decoder
 * products held 0.0 MiB (float32), 0.1 MiB (float16) and 45.1 MiB (float16 widened in the graph) of new resident
 * memory until the backward, and took 5.2 s, 108 s and 9.4 s forward + backward; a LoRA training pass took 19 s
 * (float32) and 77 s (float16). The worker-like runs peaked at 1.5 GiB (float32) and 1.6 GiB (float16): the 51 MiB
 * the mid-size model's weights save is below the allocator's noise. Run with {@code --in-process-only} to skip the
 * two worker-like runs (about 20 minutes on a busy machine).
 */
public final class HalfBaseBenchmark {

	private HalfBaseBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Path dir = Files.createTempDirectory("half-base");
		MemoryMeasurements measurements = new MemoryMeasurements(dir);
		Path mid = measurements.midSizeModel();
		List<String> lines = new ArrayList<>();
		for (Mode mode : Mode.values()) {
			lines.add(productsInTheGraph(mid, mode));
		}
		lines.add(trainingPass(mid, TorchDtype.FLOAT32));
		lines.add(trainingPass(mid, TorchDtype.FLOAT16));
		if (args.length == 0 || !args[0].equals("--in-process-only")) {
			Map<String, Object> run = new LinkedHashMap<>(Map.of("num_generations", 2, "per_device_train_batch_size", 2,
					"beta", 0.04, "lora_r", 16, "max_steps", 3));
			var f32 = measurements.compare("mid LoRA GRPO, float32 base", mid, "grpo", 32, run);
			double step32 = measurements.lastStepMillis;
			run.put("torch_dtype", "float16");
			var f16 = measurements.compare("mid LoRA GRPO, float16 base", mid, "grpo", 32, run);
			double step16 = measurements.lastStepMillis;
			lines.add(String.format(Locale.ROOT, "worker-like GRPO run, peak RSS: float32 %.1f MiB, float16 %.1f MiB "
					+ "(plan %s / %s); ms per step after the first: %.0f / %.0f, ratio %.2f", f32.measured() / MIB,
					f16.measured() / MIB, ByteSize.format(f32.plan().required()), ByteSize.format(f16.plan().required()),
					step32, step16, step16 / step32));
		}
		System.out.println();
		lines.forEach(System.out::println);
	}

	static final double MIB = 1024.0 * 1024;

	/** How the products of the graph use the weights. */
	enum Mode {
		/** float32 weights: the baseline. */
		FLOAT32,
		/** float16 weights through {@code HalfLinear}: half-precision products in the graph. */
		FLOAT16,
		/** float16 weights widened per product inside the graph: the trap HalfLinear avoids. */
		FLOAT16_WIDENED_IN_GRAPH
	}

	/**
	 * Every linear layer of the mid-size model applied once to 512 tracked rows in grad mode, outputs kept as a forward
	 * keeps them: resident memory the graph holds (VmRSS after − before) and the time of forward and backward.
	 */
	static String productsInTheGraph(Path model, Mode mode) throws Exception {
		TorchDtype dtype = mode == Mode.FLOAT32 ? TorchDtype.FLOAT32 : TorchDtype.FLOAT16;
		try (Policy policy = Policy.load(model, dtype)) {
			var projections = policy.model().parameters().projections().values().stream()
				.filter((p) -> p.module().startsWith("model.layers."))
				.toList();
			double held = 0;
			long nanos = 0;
			for (int round = 0; round < 3; round++) {
				try (NDManager scope = policy.manager().newSubManager()) {
					Map<Long, NDArray> inputs = new LinkedHashMap<>();
					for (var p : projections) {
						inputs.computeIfAbsent(p.inFeatures(), (in) -> {
							NDArray x = scope.randomNormal(new Shape(2, 256, in));
							x.setRequiresGradient(true);
							return x;
						});
					}
					System.gc();
					long before = PeakMemoryProbe.residentBytes();
					long start = System.nanoTime();
					try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
						NDArray total = null;
						for (var p : projections) {
							NDArray x = inputs.get(p.inFeatures());
							NDArray y = mode == Mode.FLOAT16_WIDENED_IN_GRAPH
									? ai.djl.nn.core.Linear.linear(x, p.weight().toType(ai.djl.ndarray.types.DataType.FLOAT32, false))
										.singletonOrThrow()
									: dev.vlmr1.studio.model.HalfLinear.linear(x, p.weight(), p.bias());
							NDArray s = y.square().mean();
							total = total == null ? s : total.add(s);
						}
						long after = PeakMemoryProbe.residentBytes();
						collector.backward(total);
						if (round > 0) {
							held += (after - before) / MIB / 2;
							nanos += System.nanoTime() - start;
						}
					}
				}
			}
			return String.format(Locale.ROOT, "%s: %d decoder products on 2 × 256 tracked rows hold %.1f MiB until the "
					+ "backward; forward + backward %.0f ms", mode, projections.size(), held, nanos / 1e6 / 2);
		}
	}

	/** Mean time and resident memory of a forward and backward through the LoRA model over 2 × 256 text tokens. */
	static String trainingPass(Path model, TorchDtype dtype) throws Exception {
		System.gc();
		long empty = PeakMemoryProbe.residentBytes();
		try (Policy policy = Policy.load(model, dtype)) {
			long loaded = PeakMemoryProbe.residentBytes();
			policy.model().attachLora(new LoraConfig(16, 32, 0, LoraTargets.defaults()),
					dev.vlmr1.studio.model.lora.LoraAdapters.peftInit(1));
			policy.lora().parameters().values().forEach((p) -> p.setRequiresGradient(true));
			int repeats = 2;
			long start = 0;
			for (int i = 0; i <= repeats; i++) {
				if (i == 1) {
					start = System.nanoTime();
				}
				try (NDManager scope = policy.manager().newSubManager();
						GradientCollector collector = Engine.getInstance().newGradientCollector()) {
					// ordinary text ids: the fixture tokenizer's special tokens (image pads among them) start at 553
					NDArray ids = scope.randomInteger(0, 500, new Shape(2, 256), ai.djl.ndarray.types.DataType.INT64);
					NDArray logits = policy.forward(ModelInputs.of(ids)).logits();
					collector.backward(logits.logSoftmax(-1).mean());
				}
			}
			return String.format(Locale.ROOT, "LoRA training pass, %s base: model resident +%.1f MiB after loading; "
					+ "forward + backward of 2 × 256 tokens %.0f ms", dtype.id(), (loaded - empty) / MIB,
					(System.nanoTime() - start) / 1e6 / repeats);
		}
	}

}
