package dev.vlmr1.studio.model.lora;

import java.nio.file.Path;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.model.FixtureTensors;
import dev.vlmr1.studio.model.ModelInputs;
import dev.vlmr1.studio.model.QwenVlModel;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An adapter written by {@code peft} itself ({@code fixtures/qwen2_5_vl_tiny/peft_lora/make_peft_lora.py}: r 4, α 8,
 * target_modules as a plain list, so it also covers the vision blocks' qkv and MLP, random non-zero B) loads from its
 * directory and gives peft's logits, with the adapter on and with {@code disable_adapter()}.
 */
class PeftFixtureTests {

	static final Path ADAPTER = FixtureTensors.ROOT.resolve("qwen2_5_vl_tiny/peft_lora/adapter");

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
