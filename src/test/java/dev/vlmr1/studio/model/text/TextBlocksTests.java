package dev.vlmr1.studio.model.text;

import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.model.Parameters;
import dev.vlmr1.studio.model.TextConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The decoder's blocks on tiny hand-computed inputs. */
class TextBlocksTests {

	@Test
	void rmsNormDividesByTheRootMeanSquare() {
		try (NDManager manager = NDManager.newBaseManager()) {
			var norm = new RmsNorm(manager.create(new float[] { 1, 2 }), 0);
			float[] out = norm.forward(manager.create(new float[] { 3, 4 }, new Shape(1, 2))).toFloatArray();
			double rms = Math.sqrt((9 + 16) / 2.0);
			assertThat(out[0]).isCloseTo((float) (3 / rms), within(1e-6f));
			assertThat(out[1]).isCloseTo((float) (2 * 4 / rms), within(1e-6f));
		}
	}

	@Test
	void mropeTakesEachSectionsAngleFromItsAxis() {
		// head dim 4, sections [1, 1, 0]: dims 0 and 2 read the temporal axis, 1 and 3 the height axis
		var config = new TextConfig(8, 8, 8, 1, 2, 1, 1e-6, 100, new int[] { 1, 1, 0 }, true, 64);
		try (NDManager manager = NDManager.newBaseManager()) {
			NDArray positions = manager.create(new long[] { 1, 2, 3 }, new Shape(3, 1, 1)); // t=1, h=2, w=3
			NDList cosSin = new MRope(config).cosSin(positions); // (1, 1, 1, 4)
			// inv_freq = [1, 100^-0.5 = 0.1]: angles [1·1, 2·0.1, 1·1, 2·0.1]
			assertThat(cosSin.get(0).toFloatArray()).containsExactly(new float[] { (float) Math.cos(1),
					(float) Math.cos(0.2), (float) Math.cos(1), (float) Math.cos(0.2) }, within(1e-6f));
			NDArray x = manager.create(new float[] { 1, 0, 0, 0 }, new Shape(1, 1, 1, 4));
			// rotate_half([1, 0, 0, 0]) = [0, 0, 1, 0]
			float[] rotated = MRope.apply(x, cosSin.get(0), cosSin.get(1)).toFloatArray();
			assertThat(rotated).containsExactly(new float[] { (float) Math.cos(1), 0, (float) Math.sin(1), 0 },
					within(1e-6f));
		}
	}

	@Test
	void mlpIsSwiGlu() {
		try (NDManager manager = NDManager.newBaseManager()) {
			Map<String, float[]> weights = Map.of("gate_proj.weight", new float[] { 1 }, "up_proj.weight",
					new float[] { 3 }, "down_proj.weight", new float[] { 0.5f });
			Mlp mlp = Mlp.load(new Parameters(manager, (name, shape) -> weights.get(name)), "", 1, 1);
			float x = 2;
			float out = mlp.forward(manager.create(new float[] { x }, new Shape(1, 1, 1))).toFloatArray()[0];
			double silu = x / (1 + Math.exp(-x));
			assertThat(out).isCloseTo((float) (0.5 * silu * 3 * x), within(1e-6f));
		}
	}

	@Test
	void kvCacheGrowsAlongTheTokenAxisAndSurvivesItsStepScope() {
		try (NDManager manager = NDManager.newBaseManager(); KvCache cache = new KvCache(manager, 2)) {
			for (int step = 1; step <= 3; step++) {
				try (var scope = new ai.djl.ndarray.NDScope()) {
					NDArray k = manager.ones(new Shape(1, 2, 1, 4)).mul(step);
					cache.append(0, k, k);
				}
			}
			assertThat(cache.length()).isEqualTo(3);
		}
	}

}
