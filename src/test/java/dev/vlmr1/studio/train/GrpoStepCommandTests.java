package dev.vlmr1.studio.train;

import java.nio.file.Path;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vlmr1.studio.model.safetensors.SafetensorsReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GrpoStepCommandTests {

	@Test
	void writesTheFixtureStepsIntermediatesGradientsAndParameters(@TempDir Path out) {
		int code = GrpoStepCommand.run(new String[] { "--policy", TrainFixtures.TINY.toString(), "--ref",
				TrainFixtures.GRPO.resolve("ref_model").toString(), "--old", TrainFixtures.GRPO.resolve("old_model").toString(),
				"--inputs", TrainFixtures.GRPO.resolve("inputs.safetensors").toString(), "--out", out.toString() });
		assertThat(code).isZero();
		JsonNode metrics = TrainFixtures.json(out.resolve("metrics.json"));
		JsonNode expected = TrainFixtures.json(TrainFixtures.GRPO.resolve("metrics.json"));
		assertThat(metrics.get("loss").asDouble()).isCloseTo(expected.get("grpo").asDouble(), within(1e-4));
		assertThat(metrics.get("grad_norm").asDouble()).isCloseTo(expected.get("grad_norm_before_clip").asDouble(),
				within(1e-3));
		assertThat(metrics.get("dr_grpo").asDouble()).isCloseTo(expected.get("dr_grpo").asDouble(), within(1e-4));
		assertThat(metrics.get("clip_ratio/region_mean").asDouble()).isCloseTo(expected.get("clip_ratio").asDouble(),
				within(1e-6));
		try (NDManager manager = NDManager.newBaseManager();
				var step = SafetensorsReader.open(out.resolve("step.safetensors"));
				var grads = SafetensorsReader.open(out.resolve("grads.safetensors"));
				var params = SafetensorsReader.open(out.resolve("params.safetensors"))) {
			var reference = TrainFixtures.floats(manager, TrainFixtures.GRPO.resolve("inputs.safetensors"));
			TrainFixtures.assertClose(manager.create(step.floats("per_token_loss"), reference.get("per_token_loss").getShape()),
					reference.get("per_token_loss"), 1e-4, "per-token loss");
			assertThat(step.names()).contains("policy_logps", "ref_logps", "old_logps", "per_token_kl", "ratio", "loss.dapo");
			assertThat((double) step.floats("loss.bnpo")[0]).isCloseTo(expected.get("bnpo").asDouble(), within(1e-4));
			assertThat(grads.names()).hasSize(params.names().size()).contains("model.embed_tokens.weight",
					"visual.patch_embed.proj.weight");
		}
	}

	@Test
	void rejectsMissingReferenceAndUnknownOptions(@TempDir Path out) {
		assertThatThrownBy(() -> GrpoStepCommand.run(new String[] { "--policy", TrainFixtures.TINY.toString(), "--inputs",
				"x", "--out", out.toString() }))
			.hasMessageContaining("--ref");
		assertThatThrownBy(() -> GrpoStepCommand.run(new String[] { "--policy" })).hasMessageContaining("missing value");
		assertThatThrownBy(() -> GrpoStepCommand.run(new String[] { "--bogus", "1" })).hasMessageContaining("unknown option");
	}

}
