package dev.vlmr1.studio.model.lora;

import java.nio.file.Path;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vlmr1.studio.model.FixtureTensors;
import dev.vlmr1.studio.model.ModelInputs;
import dev.vlmr1.studio.model.QwenVlModel;
import dev.vlmr1.studio.model.safetensors.SafetensorsReader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An adapter written by {@code peft} itself ({@code fixtures/qwen2_5_vl_tiny/peft_lora/make_peft_lora.py}: r 4, α 8,
 * target_modules as a plain list, so it also covers the vision blocks' qkv and MLP, random non-zero B) loads from its
 * directory and gives peft's logits, with the adapter on and with {@code disable_adapter()}.
 */
class PeftFixtureTests {

	static final Path ADAPTER = FixtureTensors.ROOT.resolve("qwen2_5_vl_tiny/peft_lora/adapter");

	@Test
	void anAdapterReadFromAFileIsWrittenBackWithItsExactLayers(@TempDir Path dir) throws Exception {
		try (QwenVlModel model = QwenVlModel.load(ADAPTER)) {
			assertThat(model.lora().targetsArePreset()).isFalse();
			PeftAdapterFiles.write(dir, model.lora(), "../..");
		}
		JsonNode targets = new ObjectMapper().readTree(dir.resolve(PeftAdapterFiles.CONFIG).toFile()).get("target_modules");
		// peft's list names leaf modules (q_proj, qkv, …); written back as full names, it selects the same 30 layers
		assertThat(targets.isArray()).isTrue();
		assertThat(targets).hasSize(30);
		assertThat(targets.toString()).contains("\"model.visual.blocks.0.attn.qkv\"")
			.contains("\"model.language_model.layers.1.mlp.down_proj\"");
		try (var reader = SafetensorsReader.open(dir.resolve(PeftAdapterFiles.WEIGHTS));
				var original = SafetensorsReader.open(ADAPTER.resolve(PeftAdapterFiles.WEIGHTS))) {
			assertThat(reader.names()).isEqualTo(original.names());
			for (String name : original.names()) {
				assertThat(reader.floats(name)).as(name).containsExactly(original.floats(name));
			}
		}
	}

	@Test
	void adapterWrittenByPeftGivesPeftsLogits() {
		try (QwenVlModel model = QwenVlModel.load(ADAPTER);
				var fixture = FixtureTensors.open("qwen2_5_vl_tiny/case_single.safetensors");
				var peft = FixtureTensors.open("qwen2_5_vl_tiny/peft_lora/peft_logits.safetensors");
				NDManager manager = model.manager().newSubManager()) {
			LoraAdapters lora = model.lora();
			assertThat(lora.config().r()).isEqualTo(4);
			assertThat(lora.config().scaling()).isEqualTo(2.0);
			assertThat(lora.config().dropout()).isEqualTo(0.1);
			// 2 layers × 7 projections + 4 vision blocks × (qkv, gate, up, down): PEFT's suffix matching
			assertThat(lora.targets()).hasSize(14 + 16);
			ModelInputs inputs = ModelInputs.of(fixture.array(manager, "input_ids"))
				.withImages(fixture.array(manager, "pixel_values"), fixture.matrix("image_grid_thw"));
			assertThat(FixtureTensors.maxAbsDiff(model.forward(inputs).logits(), peft.floats("logits")))
				.isLessThanOrEqualTo(1e-4f);
			try (var off = lora.disabled()) {
				assertThat(FixtureTensors.maxAbsDiff(model.forward(inputs).logits(), peft.floats("base_logits")))
					.isLessThanOrEqualTo(1e-4f);
			}
		}
	}

}
