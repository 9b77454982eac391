package dev.vlmr1.studio.model;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QwenVlConfigTests {

	static final Path FIXTURES = Path.of("src/test/resources/fixtures");

	@Test
	void nestedAndLegacyFlatLayoutsDescribeTheSameModel() {
		var nested = QwenVlConfig.load(FIXTURES.resolve("qwen2_5_vl_tiny/config.json"));
		var flat = QwenVlConfig.load(FIXTURES.resolve("qwen2_5_vl_tiny/config.legacy_flat.json"));
		assertThat(nested.modelType()).isEqualTo(ModelType.QWEN2_5_VL);
		assertThat(flat.vision()).isEqualTo(nested.vision());
		assertThat(flat.text().hiddenSize()).isEqualTo(64);
		assertThat(flat.text().mropeSection()).containsExactly(nested.text().mropeSection());
		assertThat(flat.text().ropeTheta()).isEqualTo(nested.text().ropeTheta()).isEqualTo(1e6);
		assertThat(flat.text().tieWordEmbeddings()).isTrue();
		assertThat(nested.vision().windowSize()).isEqualTo(56);
		assertThat(nested.vision().fullAttentionBlocks()).containsExactly(1, 3);
		assertThat(nested.imageTokenId()).isEqualTo(565);
	}

	@Test
	void qwen2VisionNamesAreNormalised() {
		var config = QwenVlConfig.load(FIXTURES.resolve("qwen2_vl_tiny"));
		assertThat(config.modelType()).isEqualTo(ModelType.QWEN2_VL);
		assertThat(config.vision().width()).isEqualTo(32);
		assertThat(config.vision().outHiddenSize()).isEqualTo(64);
		assertThat(config.vision().intermediateSize()).isEqualTo(64);
	}

	@Test
	void unknownModelTypeIsAClearError() {
		var json = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("model_type", "llama");
		assertThatThrownBy(() -> QwenVlConfig.fromJson(json)).isInstanceOf(CheckpointException.class)
			.hasMessageContaining("unknown model_type 'llama'");
	}

	@Test
	void newAndReleasedWeightNamesAreReadAlike() {
		try (var released = Weights.open(FIXTURES.resolve("qwen2_5_vl_tiny/model.safetensors"));
				var renamed = Weights.open(FIXTURES.resolve("qwen2_5_vl_tiny/model.new_names.safetensors"))) {
			assertThat(renamed.names()).isEqualTo(released.names());
			assertThat(renamed.floats("visual.merger.ln_q.weight", 32))
				.containsExactly(released.floats("visual.merger.ln_q.weight", 32));
		}
	}

	@Test
	void wrongShapeNamesTheTensorAndBothShapes() {
		try (var weights = Weights.open(FIXTURES.resolve("qwen2_5_vl_tiny"))) {
			assertThatThrownBy(() -> weights.floats("model.norm.weight", 65)).isInstanceOf(CheckpointException.class)
				.hasMessageContaining("model.norm.weight")
				.hasMessageContaining("[65]")
				.hasMessageContaining("[64]");
			assertThatThrownBy(() -> weights.floats("model.missing.weight", 1)).hasMessageContaining("no tensor");
		}
	}

}
