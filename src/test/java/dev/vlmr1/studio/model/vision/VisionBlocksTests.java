package dev.vlmr1.studio.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The tower's components on tiny shapes, against values computed by hand. */
class VisionBlocksTests {

	NDManager manager;

	@BeforeEach
	void open() {
		manager = NDManager.newBaseManager();
	}

	@AfterEach
	void close() {
		manager.close();
	}

	@Test
	void rmsNormDividesByTheRootMeanSquareAndScales() {
		var norm = new VisionNorm.RmsNorm(manager.create(new float[] { 1, 1, 2, 2 }), 1e-6f);
		float[] out = norm.forward(manager.create(new float[] { 1, 2, 3, 4 }, new Shape(1, 4))).toFloatArray();
		double rms = Math.sqrt((1 + 4 + 9 + 16) / 4.0 + 1e-6); // √7.5
		assertThat(out).containsExactly(new float[] { (float) (1 / rms), (float) (2 / rms), (float) (6 / rms),
				(float) (8 / rms) }, within(1e-6f));
	}

	@Test
	void layerNormCentresScalesAndShifts() {
		var norm = new VisionNorm.LayerNormWithBias(manager.create(new float[] { 1, 2, 1, 2 }),
				manager.create(new float[] { 0, 0, 1, 1 }), 1e-6f);
		float[] out = norm.forward(manager.create(new float[] { 1, 2, 3, 4 }, new Shape(1, 4))).toFloatArray();
		double sd = Math.sqrt(1.25 + 1e-6); // mean 2.5, biased variance 1.25
		assertThat(out).containsExactly(new float[] { (float) (-1.5 / sd), (float) (-0.5 * 2 / sd),
				(float) (0.5 / sd + 1), (float) (1.5 * 2 / sd + 1) }, within(1e-6f));
	}

	@Test
	void geluIsTheExactErfFormNotTheTanhApproximation() {
		float[] xs = new float[121];
		for (int i = 0; i < xs.length; i++) {
			xs[i] = -6 + 0.1f * i;
		}
		float[] gelu = VisionActivations.gelu(manager.create(xs)).toFloatArray();
		double worstErf = 0;
		double tanhGap = 0;
		for (int i = 0; i < xs.length; i++) {
			double x = xs[i];
			double exact = 0.5 * x * (1 + erf(x / Math.sqrt(2)));
			double tanh = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
			worstErf = Math.max(worstErf, Math.abs(gelu[i] - exact));
			tanhGap = Math.max(tanhGap, Math.abs(tanh - exact));
		}
		assertThat(tanhGap).as("the two forms are distinguishable").isGreaterThan(1e-4);
		assertThat(worstErf).isLessThan(1e-6);
	}

	@Test
	void siluAndQuickGeluUseTheSigmoidOfTheRightArgument() {
		NDArray x = manager.create(new float[] { -2, 0, 1 });
		assertThat(VisionActivations.silu(x).toFloatArray())
			.containsExactly(new float[] { (float) (-2 * sigmoid(-2)), 0, (float) sigmoid(1) }, within(1e-6f));
		assertThat(VisionActivations.quickGelu(x).toFloatArray()).containsExactly(
				new float[] { (float) (-2 * sigmoid(-3.404)), 0, (float) sigmoid(1.702) }, within(1e-6f));
	}

	@Test
	void rotaryUsesRowAnglesThenColumnAnglesAndRotatesHalves() {
		// head dim 8 → rotary dim 4 → inv_freq = [1, 1/θ^(2/4)] = [1, 0.1] for θ = 100
		var rotary = new VisionRotaryEmbedding(8, 100);
		NDList cosSin = rotary.cosSin(manager, new int[][] { { 3, 5 } });
		double[] angles = { 3, 0.3, 5, 0.5, 3, 0.3, 5, 0.5 }; // row·f, column·f, repeated
		float[] cos = cosSin.get(0).toFloatArray();
		float[] sin = cosSin.get(1).toFloatArray();
		for (int i = 0; i < 8; i++) {
			assertThat(cos[i]).isCloseTo((float) Math.cos(angles[i]), within(1e-6f));
			assertThat(sin[i]).isCloseTo((float) Math.sin(angles[i]), within(1e-6f));
		}
		float[] x = { 1, 2, 3, 4, 5, 6, 7, 8 };
		float[] out = VisionRotaryEmbedding.apply(manager.create(x, new Shape(1, 1, 8)), cosSin.get(0), cosSin.get(1))
			.toFloatArray();
		for (int i = 0; i < 8; i++) {
			double rotated = i < 4 ? -x[i + 4] : x[i - 4]; // rotate_half: cat(−x₂, x₁)
			assertThat(out[i]).isCloseTo((float) (x[i] * Math.cos(angles[i]) + rotated * Math.sin(angles[i])),
					within(1e-5f));
		}
	}

	@Test
	void positionIdsFollowTheMergeBlockOrder() {
		int[][] positions = VisionRotaryEmbedding.positionIds(new long[][] { { 1, 2, 4 }, { 2, 2, 2 } }, 2);
		assertThat(positions).hasNumberOfRows(16);
		// first image: block (0,0) then block (0,1), each 2×2 row-major
		assertThat(java.util.Arrays.copyOf(positions, 8)).isDeepEqualTo(
				new int[][] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 }, { 0, 2 }, { 0, 3 }, { 1, 2 }, { 1, 3 } });
		// second image, both frames start again at (0, 0)
		assertThat(positions[8]).containsExactly(0, 0);
		assertThat(positions[12]).containsExactly(0, 0);
		assertThat(positions[15]).containsExactly(1, 1);
	}

	@Test
	void attentionStaysInsideItsSegmentsAndBatchedRunsEqualSingleSegments() {
		int width = 8;
		int heads = 2;
		var attn = new VisionAttention(
				new LinearLayer(manager.randomNormal(new Shape(3 * width, width)),
						manager.randomNormal(new Shape(3 * width))),
				new LinearLayer(manager.randomNormal(new Shape(width, width)), manager.randomNormal(new Shape(width))),
				heads);
		var rotary = new VisionRotaryEmbedding(width / heads, 10000);
		int[][] positions = new int[12][];
		for (int i = 0; i < 12; i++) {
			positions[i] = new int[] { i / 4, i % 4 };
		}
		NDList table = rotary.cosSin(manager, positions);
		NDArray x = manager.randomNormal(new Shape(12, width));
		int[] bounds = { 0, 4, 8, 10, 12 }; // a run of two segments of 4, then a run of two of 2
		float[] together = attn.forward(x, table.get(0), table.get(1), bounds).toFloatArray();
		for (int s = 0; s < bounds.length - 1; s++) {
			NDIndex rows = new NDIndex("{}:{}", bounds[s], bounds[s + 1]);
			float[] alone = attn.forward(x.get(rows), table.get(0).get(rows), table.get(1).get(rows),
					new int[] { 0, bounds[s + 1] - bounds[s] })
				.toFloatArray();
			for (int i = 0; i < alone.length; i++) {
				assertThat(together[bounds[s] * width + i]).isCloseTo(alone[i], within(1e-5f));
			}
		}
		// one segment over everything is real attention across all rows: it differs
		float[] full = attn.forward(x, table.get(0), table.get(1), new int[] { 0, 12 }).toFloatArray();
		assertThat(VisionTransformerTests.maxAbsDiff(full, together)).isGreaterThan(1e-3f);
	}

	@Test
	void chunkedQueryRowsGiveTheSameAttention() {
		int width = 8;
		var qkv = new LinearLayer(manager.randomNormal(new Shape(3 * width, width)),
				manager.randomNormal(new Shape(3 * width)));
		var proj = new LinearLayer(manager.randomNormal(new Shape(width, width)),
				manager.randomNormal(new Shape(width)));
		var whole = new VisionAttention(qkv, proj, 2);
		var chunked = new VisionAttention(qkv, proj, 2, 2 * 10 * 3); // H·L·3: chunks of 3, 3, 3 and 1 query rows
		int[][] positions = new int[10][];
		for (int i = 0; i < 10; i++) {
			positions[i] = new int[] { i / 5, i % 5 };
		}
		NDList table = new VisionRotaryEmbedding(4, 10000).cosSin(manager, positions);
		NDArray x = manager.randomNormal(new Shape(10, width));
		int[] bounds = { 0, 10 };
		// values reach ~40: float32 sums in another order differ by a few ulps of that, so 1e-5 absolute is too tight
		assertThat(chunked.forward(x, table.get(0), table.get(1), bounds).toFloatArray()).containsExactly(
				whole.forward(x, table.get(0), table.get(1), bounds).toFloatArray(), within(1e-4f));
	}

	static double sigmoid(double x) {
		return 1 / (1 + Math.exp(-x));
	}

	/** erf from the Chebyshev fit of erfc (Numerical Recipes' erfcc), |error| < 1.2e-7: independent of libtorch. */
	static double erf(double x) {
		double z = Math.abs(x);
		double t = 1 / (1 + 0.5 * z);
		double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
				+ t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
						+ t * (-0.82215223 + t * 0.17087277)))))))));
		return x >= 0 ? 1 - erfc : erfc - 1;
	}

}
