package dev.vlmr1.studio.train;

import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.vlmr1.studio.train.TrainFixtures.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GrpoLossTests {

	NDManager manager;

	Map<String, NDArray> in;

	JsonNode metrics;

	@BeforeEach
	void load() {
		manager = NDManager.newBaseManager();
		in = TrainFixtures.floats(manager, TrainFixtures.GRPO.resolve("inputs.safetensors"));
		metrics = TrainFixtures.json(TrainFixtures.GRPO.resolve("metrics.json"));
	}

	@AfterEach
	void close() {
		manager.close();
	}

	GrpoLoss.Result compute(LossType type, double beta, double epsHigh) {
		var loss = new GrpoLoss(type, beta, 0.2, epsHigh, 33);
		NDArray mask = in.get("completion_mask");
		return loss.compute(in.get("policy_logps"), in.get("old_logps"), beta > 0 ? in.get("ref_logps") : null,
				in.get("advantages"), mask, GrpoLoss.Accumulation.single(mask));
	}

	@Test
	void perTokenKlRatioAndLossMatchTheReferenceStep() {
		var result = compute(LossType.GRPO, 0.04, 0.2);
		assertClose(result.ratio(), in.get("ratio"), 1e-5, "ratio");
		assertClose(result.kl(), in.get("per_token_kl"), 1e-5, "kl");
		assertClose(result.perTokenLoss(), in.get("per_token_loss"), 1e-5, "per-token loss");
		assertThat(result.klMean()).isCloseTo(metrics.get("kl_mean").asDouble(), within(1e-5 * 1.55));
		assertThat(result.clipRegion()).isCloseTo(metrics.get("clip_ratio").asDouble(), within(1e-6));
		// A < 0 tokens clipped low plus A > 0 tokens clipped high make up the region
		assertThat(result.clipLow() + result.clipHigh()).isCloseTo(result.clipRegion(), within(1e-9));
	}

	@Test
	void theThreeAggregationsMatchTheReferenceLosses() {
		for (String name : new String[] { "grpo", "bnpo", "dr_grpo" }) {
			double loss = compute(LossType.parse(name), 0.04, 0.2).loss().getFloat();
			double expected = metrics.get(name).asDouble();
			assertThat(loss).as(name).isCloseTo(expected, within(1e-5 * Math.abs(expected)));
		}
	}

	@Test
	void everyLossVariantMatches() {
		JsonNode variants = TrainFixtures.json(TrainFixtures.GRPO.resolve("loss_variants.json"));
		assertThat(variants.size()).isEqualTo(3);
		for (var entry : variants.properties()) {
			JsonNode v = entry.getValue();
			var loss = new GrpoLoss(LossType.parse(v.get("loss_type").asText()), v.get("beta").asDouble(),
					v.get("epsilon_low").asDouble(), v.get("epsilon_high").asDouble(), 33);
			NDArray mask = in.get("completion_mask");
			double value = loss
				.compute(in.get("policy_logps"), in.get("old_logps"), in.get("ref_logps"), in.get("advantages"), mask,
						GrpoLoss.Accumulation.single(mask))
				.loss()
				.getFloat();
			double expected = v.get("loss").asDouble();
			assertThat(value).as(entry.getKey()).isCloseTo(expected, within(1e-5 * Math.abs(expected)));
		}
	}

	@Test
	void accumulationSplitsTheStepLossAcrossMicroBatches() {
		// two micro-batches of the same rows must sum to the one-batch loss for every aggregation
		NDArray mask = in.get("completion_mask");
		for (LossType type : LossType.values()) {
			var loss = new GrpoLoss(type, 0.04, 0.2, 0.2, 33);
			double whole = compute(type, 0.04, 0.2).loss().getFloat();
			double tokens = mask.sum().getFloat();
			double halves = 0;
			for (String rows : new String[] { "0:2", "2:4" }) {
				halves += loss
					.compute(in.get("policy_logps").get(rows), in.get("old_logps").get(rows),
							in.get("ref_logps").get(rows), in.get("advantages").get(rows), mask.get(rows),
							new GrpoLoss.Accumulation(2, 4, tokens))
					.loss()
					.getFloat();
			}
			if (type == LossType.GRPO || type == LossType.DR_GRPO || type == LossType.DAPO) {
				assertThat(halves).as(type.id()).isCloseTo(whole, within(1e-6));
			}
			else {
				// bnpo normalises per micro-batch (TRL's "local batch"): equal only when token counts are equal
				assertThat(halves).as(type.id()).isNotCloseTo(whole, within(1e-6));
			}
		}
	}

	@Test
	void gradientOfTheSurrogateAtRatioOneIsMinusTheAdvantage() {
		// one sequence of two tokens, old = logp, no KL: L = −mean_t(A·ratio) → dL/dlogp_t = −A / 2
		NDArray logps = manager.create(new float[] { -1f, -2f }, new Shape(1, 2));
		logps.setRequiresGradient(true);
		NDArray old = manager.create(new float[] { -1f, -2f }, new Shape(1, 2));
		NDArray adv = manager.create(new float[] { 0.5f });
		NDArray mask = manager.ones(new Shape(1, 2));
		try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
			var result = new GrpoLoss(LossType.GRPO, 0, 0.2, 0.2, 2).compute(logps, old, null, adv, mask,
					GrpoLoss.Accumulation.single(mask));
			assertThat(result.loss().getFloat()).isCloseTo(-0.5f, within(1e-7f));
			collector.backward(result.loss());
		}
		assertThat(logps.getGradient().toFloatArray()).containsExactly(-0.25f, -0.25f);
	}

	@Test
	void rejectsInconsistentInputs() {
		var loss = new GrpoLoss(LossType.GRPO, 0.04, 0.2, 0.2, 33);
		NDArray mask = in.get("completion_mask");
		var single = GrpoLoss.Accumulation.single(mask);
		assertThatThrownBy(() -> loss.compute(in.get("policy_logps"), in.get("old_logps"), null, in.get("advantages"),
				mask, single))
			.hasMessageContaining("reference");
		assertThatThrownBy(() -> loss.compute(in.get("policy_logps"), in.get("old_logps").get(":, :5"),
				in.get("ref_logps"), in.get("advantages"), mask, single))
			.hasMessageContaining("one shape");
		assertThatThrownBy(() -> loss.compute(in.get("policy_logps"), in.get("old_logps"), in.get("ref_logps"),
				in.get("advantages").get(":2"), mask, single))
			.hasMessageContaining("advantages");
		assertThatThrownBy(() -> new GrpoLoss(LossType.GRPO, -1, 0.2, 0.2, 33)).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> LossType.parse("ppo")).hasMessageContaining("dr_grpo");
	}

}
