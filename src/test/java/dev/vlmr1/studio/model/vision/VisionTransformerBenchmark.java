package dev.vlmr1.studio.model.vision;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;

import dev.vlmr1.studio.model.ModelType;
import dev.vlmr1.studio.model.Parameters;
import dev.vlmr1.studio.model.VisionConfig;

/**
 * Forward speed of a mid-size Qwen2.5-VL vision tower (width 256, 4 blocks, 4 heads, real 112-pixel windows, one
 * full-attention block) on one 448×448 image, as a ratio to the matmul FLOP/s DJL reaches in the same run. Run its
 * main with the test classpath; not part of {@code mvn test}.
 */
public final class VisionTransformerBenchmark {

	public static void main(String[] args) {
		int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
		VisionConfig config = new VisionConfig(ModelType.QWEN2_5_VL, 4, 256, 4, 688, 512, 14, 2, 2, 3, 112,
				List.of(3), 10000.0, "silu");
		long[][] grid = { { 1, 32, 32 } }; // 448×448 pixels → 32×32 patches
		int patches = 1024;
		try (NDManager manager = NDManager.newBaseManager()) {
			Random random = new Random(42);
			Parameters params = new Parameters(manager, (name, shape) -> {
				float[] values = new float[(int) new Shape(shape).size()];
				for (int i = 0; i < values.length; i++) {
					values[i] = (float) (random.nextGaussian() * 0.02);
				}
				return values;
			});
			VisionTransformer tower = VisionTransformer.load(config, params);
			NDArray pixels = manager.randomNormal(new Shape(patches, config.patchDim()));
			Runnable towerForward = () -> {
				try (NDManager call = manager.newSubManager()) {
					NDArray input = pixels.duplicate(); // the call's temporaries follow the input's manager
					input.attach(call);
					tower.forward(input, grid).toFloatArray();
				}
			};
			double towerFlops = flops(config, WindowIndex.of(grid, 2, 14, 112), patches);
			NDArray a = manager.randomNormal(new Shape(1024, 1024));
			NDArray b = manager.randomNormal(new Shape(1024, 1024));
			Runnable matmul = () -> {
				try (NDManager call = manager.newSubManager()) {
					NDArray x = a.duplicate();
					x.attach(call);
					Linear.linear(x, b).singletonOrThrow().toFloatArray();
				}
			};
			// interleaved, so a busy machine slows both sides of the ratio alike
			double[][] seconds = interleaved(runs, towerForward, matmul);
			double boundRate = 2.0 * 1024 * 1024 * 1024 / seconds[1][runs / 2];
			report("vision tower forward", towerFlops, seconds[0][runs / 2], boundRate);

			params.all().values().forEach((p) -> p.setRequiresGradient(true));
			Runnable towerTrainingStep = () -> {
				try (GradientCollector collector = manager.getEngine().newGradientCollector();
						NDManager call = manager.newSubManager()) {
					NDArray input = pixels.duplicate();
					input.attach(call);
					collector.backward(tower.forward(input, grid).sum());
				}
			};
			seconds = interleaved(runs, towerTrainingStep, matmul);
			boundRate = 2.0 * 1024 * 1024 * 1024 / seconds[1][runs / 2];
			// the backward pass costs about twice the forward (gradients of inputs and of weights)
			report("vision tower forward+backward", 3 * towerFlops, seconds[0][runs / 2], boundRate);
			System.out.printf("DJL matmul 1024³: %.2f GFLOP/s (PyTorch intra-op threads: %s)%n", boundRate / 1e9,
					System.getProperty("ai.djl.pytorch.num_threads", "default"));
		}
	}

	static void report(String what, double flops, double seconds, double boundRate) {
		double rate = flops / seconds;
		System.out.printf("%s: %.1f ms, %.2f GFLOP, %.2f GFLOP/s, ratio to the matmul bound %.2f%n", what,
				seconds * 1e3, flops / 1e9, rate / 1e9, rate / boundRate);
	}

	/** Multiply-adds × 2 of the forward pass: linears, attention products, merger. */
	static double flops(VisionConfig c, WindowIndex windows, long p) {
		double width = c.width();
		double total = 2.0 * p * c.patchDim() * width; // patch embed
		for (int i = 0; i < c.depth(); i++) {
			int[] bounds = c.isFullAttention(i) ? windows.frameBounds() : windows.windowBounds();
			double squares = 0;
			for (int s = 0; s + 1 < bounds.length; s++) {
				squares += Math.pow(bounds[s + 1] - bounds[s], 2);
			}
			total += 2.0 * p * width * 4 * width; // qkv + proj
			total += 4.0 * width * squares; // q·kᵀ and weights·v over all heads
			total += 2.0 * p * width * c.intermediateSize() * 3; // gate, up, down
		}
		double merged = 4 * width;
		total += 2.0 * (p / 4) * merged * (merged + c.outHiddenSize());
		return total;
	}

	/** Sorted wall times of {@code runs} alternating runs of each body, after a warm-up. */
	static double[][] interleaved(int runs, Runnable... bodies) {
		double[][] seconds = new double[bodies.length][runs];
		for (int i = -3; i < runs; i++) {
			for (int b = 0; b < bodies.length; b++) {
				long start = System.nanoTime();
				bodies[b].run();
				if (i >= 0) {
					seconds[b][i] = (System.nanoTime() - start) / 1e9;
				}
			}
		}
		for (double[] times : seconds) {
			Arrays.sort(times);
		}
		return seconds;
	}

}
