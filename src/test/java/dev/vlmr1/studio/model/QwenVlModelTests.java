package dev.vlmr1.studio.model;

import java.nio.file.Path;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Every hidden state and the logits against transformers, with the fixture's image features injected. */
class QwenVlModelTests {

	static final float TOLERANCE = 1e-4f;

	static QwenVlModel qwen25;

	static QwenVlModel qwen2;

	@BeforeAll
	static void load() {
		qwen25 = QwenVlModel.load(FixtureTensors.ROOT.resolve("qwen2_5_vl_tiny"));
		qwen2 = QwenVlModel.load(FixtureTensors.ROOT.resolve("qwen2_vl_tiny"));
	}

	@AfterAll
	static void close() {
		qwen25.close();
		qwen2.close();
	}

	static QwenVlModel model(String name) {
		return name.equals("qwen2_vl_tiny") ? qwen2 : qwen25;
	}

	@ParameterizedTest
	@CsvSource({ "qwen2_5_vl_tiny, single", "qwen2_5_vl_tiny, multi", "qwen2_5_vl_tiny, text",
			"qwen2_vl_tiny, single", "qwen2_vl_tiny, multi", "qwen2_vl_tiny, text" })
	void hiddenStatesAndLogitsMatchTransformersWithInjectedImageFeatures(String name, String kase) {
		QwenVlModel model = model(name);
		try (var fixture = FixtureTensors.open(name + "/case_" + kase + ".safetensors");
				NDManager manager = model.manager().newSubManager()) {
			ModelInputs inputs = ModelInputs.of(fixture.array(manager, "input_ids")).withHiddenStates();
			if (fixture.contains("image_embeds")) {
				inputs = inputs.withImageEmbeds(fixture.array(manager, "image_embeds"),
						fixture.matrix("image_grid_thw"));
			}
			ModelOutput out = model.forward(inputs);
			assertMatches(out, fixture);
		}
	}

	@ParameterizedTest
	@CsvSource({ "qwen2_5_vl_tiny, single", "qwen2_5_vl_tiny, multi", "qwen2_vl_tiny, single",
			"qwen2_vl_tiny, multi" })
	void endToEndFromPixelValuesMatchesTransformers(String name, String kase) {
		QwenVlModel model = model(name);
		try (var fixture = FixtureTensors.open(name + "/case_" + kase + ".safetensors");
				NDManager manager = model.manager().newSubManager()) {
			ModelInputs inputs = ModelInputs.of(fixture.array(manager, "input_ids"))
				.withHiddenStates()
				.withImages(fixture.array(manager, "pixel_values"), fixture.matrix("image_grid_thw"));
			ModelOutput out = model.forward(inputs);
			assertThat(FixtureTensors.maxAbsDiff(out.imageEmbeds(), fixture.floats("image_embeds"))).as("image_embeds")
				.isLessThanOrEqualTo(TOLERANCE);
			assertMatches(out, fixture);
		}
	}

	static void assertMatches(ModelOutput out, FixtureTensors fixture) {
		assertThat(out.positionIds().toLongArray()).containsExactly(fixture.longs("position_ids"));
		assertThat(out.ropeDeltas().toLongArray()).containsExactly(fixture.longs("rope_deltas"));
		int layers = 0;
		while (fixture.contains("hidden_states." + layers)) {
			layers++;
		}
		assertThat(out.hiddenStates()).hasSize(layers);
		for (int i = 0; i < layers; i++) {
			assertThat(FixtureTensors.maxAbsDiff(out.hiddenStates().get(i), fixture.floats("hidden_states." + i)))
				.as("hidden_states.%d", i)
				.isLessThanOrEqualTo(TOLERANCE);
		}
		assertThat(out.logits().getShape().getShape()).containsExactly(fixture.shape("logits"));
		assertThat(FixtureTensors.maxAbsDiff(out.logits(), fixture.floats("logits"))).as("logits")
			.isLessThanOrEqualTo(TOLERANCE);
	}

}
