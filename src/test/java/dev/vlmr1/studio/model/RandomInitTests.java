package dev.vlmr1.studio.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RandomInitTests {

	@Test
	void decidesTheInitialisationFromTheName() {
		assertThat(RandomInit.kind("model.layers.0.input_layernorm.weight")).isEqualTo(RandomInit.Kind.ONES);
		assertThat(RandomInit.kind("model.layers.3.post_attention_layernorm.weight")).isEqualTo(RandomInit.Kind.ONES);
		assertThat(RandomInit.kind("model.norm.weight")).isEqualTo(RandomInit.Kind.ONES);
		assertThat(RandomInit.kind("visual.blocks.1.norm2.weight")).isEqualTo(RandomInit.Kind.ONES);
		assertThat(RandomInit.kind("visual.merger.ln_q.weight")).isEqualTo(RandomInit.Kind.ONES);
		assertThat(RandomInit.kind("visual.blocks.0.norm1.bias")).isEqualTo(RandomInit.Kind.ZEROS);
		assertThat(RandomInit.kind("model.layers.0.self_attn.q_proj.bias")).isEqualTo(RandomInit.Kind.ZEROS);
		assertThat(RandomInit.kind("model.layers.0.self_attn.q_proj.weight")).isEqualTo(RandomInit.Kind.NORMAL);
		assertThat(RandomInit.kind("model.embed_tokens.weight")).isEqualTo(RandomInit.Kind.NORMAL);
		assertThat(RandomInit.kind("visual.patch_embed.proj.weight")).isEqualTo(RandomInit.Kind.NORMAL);
		assertThat(RandomInit.kind("lm_head.weight")).isEqualTo(RandomInit.Kind.NORMAL);
	}

	@Test
	void weightsAreNormalWithTheGivenStdAndNormsOnesAndBiasesZeros() {
		var init = new RandomInit(3);
		float[] weight = init.floats("model.layers.0.mlp.up_proj.weight", 256, 256);
		double mean = 0;
		for (float v : weight) {
			mean += v;
		}
		mean /= weight.length;
		double variance = 0;
		for (float v : weight) {
			variance += (v - mean) * (v - mean);
		}
		double std = Math.sqrt(variance / weight.length);
		assertThat(mean).isBetween(-0.001, 0.001);
		assertThat(std).isBetween(0.0195, 0.0205);
		assertThat(init.floats("model.norm.weight", 8)).containsOnly(1f);
		assertThat(init.floats("visual.blocks.0.attn.qkv.bias", 8)).containsOnly(0f);
		assertThat(init.floats("visual.patch_embed.proj.weight", 4, 3, 2, 14, 14)).hasSize(4 * 3 * 2 * 14 * 14);
	}

	@Test
	void valuesDependOnSeedAndNameButNotOnLoadOrder() {
		float[] first = new RandomInit(1).floats("a.weight", 10);
		var init = new RandomInit(1);
		init.floats("b.weight", 10);
		assertThat(init.floats("a.weight", 10)).containsExactly(first);
		assertThat(new RandomInit(2).floats("a.weight", 10)).isNotEqualTo(first);
		assertThat(new RandomInit(1).floats("c.weight", 10)).isNotEqualTo(first);
	}

	@Test
	void rejectsABadStdOrShape() {
		assertThatThrownBy(() -> new RandomInit(1, 0)).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new RandomInit(1, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new RandomInit(1).floats("x.weight", 2, -1))
			.isInstanceOf(IllegalArgumentException.class);
	}

}
