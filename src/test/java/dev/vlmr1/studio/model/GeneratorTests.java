package dev.vlmr1.studio.model;

import java.util.Arrays;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Greedy generations against transformers' {@code generate}, KV-cached decoding against recomputation, sampling. */
class GeneratorTests {

	static final int NEW_TOKENS = 12;

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

	/** The generate fixture's image is case_single's image, whose features that case stores. */
	static ModelInputs withImage(ModelInputs inputs, NDManager manager, String name) {
		try (var single = FixtureTensors.open(name + "/case_single.safetensors")) {
			return inputs.withImageEmbeds(single.array(manager, "image_embeds"), single.matrix("image_grid_thw"));
		}
	}

	static SamplingParams greedyIgnoringEos(QwenVlModel model) {
		return SamplingParams.greedy(NEW_TOKENS, model.config()).withEos(List.of());
	}

	@ParameterizedTest
	@ValueSource(strings = { "qwen2_5_vl_tiny", "qwen2_vl_tiny" })
	void greedySingleMatchesTransformers(String name) {
		QwenVlModel model = model(name);
		try (var fixture = FixtureTensors.open(name + "/generate.safetensors");
				NDManager manager = model.manager().newSubManager()) {
			ModelInputs prompt = withImage(ModelInputs.of(fixture.array(manager, "single.input_ids")), manager, name);
			Generation generation = new Generator(model, null).generate(prompt, greedyIgnoringEos(model));
			assertThat(generation.tokenIds().get(0)).containsExactly(generated(fixture, "single.output_ids", 0));
			assertThat(generation.logProbs().get(0)).hasSize(NEW_TOKENS);
			for (float lp : generation.logProbs().get(0)) {
				assertThat(lp).isLessThanOrEqualTo(0f);
			}
			assertThat(generation.texts()).isEmpty();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "qwen2_5_vl_tiny", "qwen2_vl_tiny" })
	void greedyLeftPaddedBatchMatchesTransformers(String name) {
		QwenVlModel model = model(name);
		try (var fixture = FixtureTensors.open(name + "/generate.safetensors");
				NDManager manager = model.manager().newSubManager()) {
			ModelInputs prompt = ModelInputs.of(fixture.array(manager, "batch.input_ids"))
				.withAttentionMask(fixture.array(manager, "batch.attention_mask"));
			ModelOutput out = model.forward(withImage(prompt, manager, name));
			assertThat(FixtureTensors.maxAbsDiff(out.logits(), fixture.floats("batch.logits"))).isLessThan(1e-4f);
			Generation generation = new Generator(model, (ids) -> Arrays.toString(ids))
				.generate(withImage(prompt, manager, name), greedyIgnoringEos(model));
			for (int b = 0; b < 2; b++) {
				assertThat(generation.tokenIds().get(b)).containsExactly(generated(fixture, "batch.output_ids", b));
			}
			assertThat(generation.texts()).hasSize(2);
		}
	}

	@Test
	void unpaddedPromptsArePaddedOnTheLeftLikeTransformers() {
		try (var fixture = FixtureTensors.open("qwen2_5_vl_tiny/generate.safetensors");
				NDManager manager = qwen25.manager().newSubManager()) {
			long[][] ids = fixture.matrix("batch.input_ids");
			long[][] mask = fixture.matrix("batch.attention_mask");
			List<long[]> prompts = List.of(unpadded(ids[0], mask[0]), unpadded(ids[1], mask[1]));
			Generation generation = new Generator(qwen25, null).generate(prompts,
					(inputs) -> withImage(inputs, manager, "qwen2_5_vl_tiny"), greedyIgnoringEos(qwen25));
			assertThat(generation.tokenIds().get(1)).containsExactly(generated(fixture, "batch.output_ids", 1));
		}
	}

	@Test
	void kvCachedDecodingEqualsRecomputingTheWholeSequence() {
		try (var fixture = FixtureTensors.open("qwen2_5_vl_tiny/generate.safetensors");
				NDManager manager = qwen25.manager().newSubManager()) {
			long[][] ids = fixture.matrix("batch.input_ids");
			long[][] mask = fixture.matrix("batch.attention_mask");
			SamplingParams sampling = greedyIgnoringEos(qwen25).withSampling(0.8, 50, 0.95, 7);
			ModelInputs prompt = withImage(ModelInputs.of(manager.create(ids)).withAttentionMask(manager.create(mask)),
					manager, "qwen2_5_vl_tiny");
			Generation generation = new Generator(qwen25, null).generate(prompt, sampling);
			// the full sequences, recomputed in one forward without a cache
			int t = ids[0].length;
			long[][] full = new long[2][t + NEW_TOKENS];
			long[][] fullMask = new long[2][t + NEW_TOKENS];
			for (int b = 0; b < 2; b++) {
				System.arraycopy(ids[b], 0, full[b], 0, t);
				System.arraycopy(generation.tokenIds().get(b), 0, full[b], t, NEW_TOKENS);
				System.arraycopy(mask[b], 0, fullMask[b], 0, t);
				Arrays.fill(fullMask[b], t, t + NEW_TOKENS, 1);
			}
			ModelInputs whole = withImage(
					ModelInputs.of(manager.create(full)).withAttentionMask(manager.create(fullMask)), manager,
					"qwen2_5_vl_tiny");
			NDArray logProbs = qwen25.forward(whole).logits().div(0.8f).logSoftmax(-1); // (2, T + 12, V)
			for (int b = 0; b < 2; b++) {
				for (int i = 0; i < NEW_TOKENS; i++) {
					float recomputed = logProbs.getFloat(b, t - 1 + i, generation.tokenIds().get(b)[i]);
					assertThat(generation.logProbs().get(b)[i]).as("row %d token %d", b, i)
						.isCloseTo(recomputed, org.assertj.core.data.Offset.offset(1e-4f));
				}
			}
		}
	}

	@Test
	void seededSamplingIsReproducibleAndStopsEachSequenceAtEos() {
		try (var fixture = FixtureTensors.open("qwen2_5_vl_tiny/generate.safetensors");
				NDManager manager = qwen25.manager().newSubManager()) {
			ModelInputs prompt = ModelInputs.of(fixture.array(manager, "batch.input_ids"))
				.withAttentionMask(fixture.array(manager, "batch.attention_mask"));
			ModelInputs withImage = withImage(prompt, manager, "qwen2_5_vl_tiny");
			SamplingParams sampling = greedyIgnoringEos(qwen25).withSampling(1.5, 0, 1.0, 42);
			Generator generator = new Generator(qwen25, null);
			Generation first = generator.generate(withImage, sampling);
			Generation again = generator.generate(withImage, sampling);
			assertThat(again.tokenIds().get(0)).containsExactly(first.tokenIds().get(0));
			assertThat(again.tokenIds().get(1)).containsExactly(first.tokenIds().get(1));
			// stop row 0 at its third sampled token: it ends there, row 1 goes on unless it hits the same id
			long stop = first.tokenIds().get(0)[2];
			Generation stopped = generator.generate(withImage, sampling.withEos(List.of(stop)));
			long[] row0 = stopped.tokenIds().get(0);
			assertThat(row0[row0.length - 1]).isEqualTo(stop);
			assertThat(row0.length).isLessThanOrEqualTo(3);
			assertThat(stopped.logProbs().get(0)).hasSize(row0.length);
		}
	}

	@Test
	void topKOneIsGreedy() {
		try (var fixture = FixtureTensors.open("qwen2_5_vl_tiny/generate.safetensors");
				NDManager manager = qwen25.manager().newSubManager()) {
			ModelInputs prompt = withImage(ModelInputs.of(fixture.array(manager, "single.input_ids")), manager,
					"qwen2_5_vl_tiny");
			Generation sampled = new Generator(qwen25, null).generate(prompt,
					greedyIgnoringEos(qwen25).withSampling(1.0, 1, 1.0, 3));
			assertThat(sampled.tokenIds().get(0)).containsExactly(generated(fixture, "single.output_ids", 0));
		}
	}

	@Test
	void aTinyTopPKeepsOnlyTheMostLikelyTokenEvenAtAHighTemperature() {
		try (var fixture = FixtureTensors.open("qwen2_5_vl_tiny/generate.safetensors");
				NDManager manager = qwen25.manager().newSubManager()) {
			ModelInputs prompt = withImage(ModelInputs.of(fixture.array(manager, "single.input_ids")), manager,
					"qwen2_5_vl_tiny");
			Generator generator = new Generator(qwen25, null);
			Generation nucleus = generator.generate(prompt, greedyIgnoringEos(qwen25).withSampling(2.0, 0, 1e-9, 3));
			assertThat(nucleus.tokenIds().get(0)).containsExactly(generated(fixture, "single.output_ids", 0));
			Generation full = generator.generate(prompt, greedyIgnoringEos(qwen25).withSampling(2.0, 0, 1.0, 3));
			assertThat(full.tokenIds().get(0)).as("without top_p the same seed samples other tokens")
				.isNotEqualTo(generated(fixture, "single.output_ids", 0));
		}
	}

	@Test
	void penaltiesLowerTheLogitsOfGeneratedTokensByOpenAisFormula() {
		double frequency = 0.75;
		double presence = 0.5;
		try (var fixture = FixtureTensors.open("qwen2_5_vl_tiny/generate.safetensors");
				NDManager manager = qwen25.manager().newSubManager()) {
			ModelInputs prompt = withImage(ModelInputs.of(fixture.array(manager, "single.input_ids")), manager,
					"qwen2_5_vl_tiny");
			Generator generator = new Generator(qwen25, null);
			List<float[]> plain = new java.util.ArrayList<>();
			Generation raw = generator.generate(prompt, greedyIgnoringEos(qwen25), (b, token, logits, offset, vocab) -> {
				plain.add(Arrays.copyOfRange(logits, offset, offset + vocab));
				return false;
			});
			List<float[]> penalised = new java.util.ArrayList<>();
			Generation penalisedRun = generator.generate(prompt,
					greedyIgnoringEos(qwen25).withPenalties(frequency, presence), (b, token, logits, offset, vocab) -> {
						penalised.add(Arrays.copyOfRange(logits, offset, offset + vocab));
						return false;
					});
			long[] tokens = raw.tokenIds().get(0);
			// the prompt does not count: the first step is unpenalised and picks the same token
			assertThat(penalised.get(0)).containsExactly(plain.get(0));
			assertThat(penalisedRun.tokenIds().get(0)[0]).isEqualTo(tokens[0]);
			// after one token (the same prefix in both runs) only that token's logit moved, by c·f + p with c = 1
			float[] expected = plain.get(1).clone();
			expected[(int) tokens[0]] -= (float) (frequency + presence);
			assertThat(penalised.get(1)).containsExactly(expected);
		}
	}

	@Test
	void aListenerEndsItsSequenceEarlyAndCanAbandonTheGeneration() {
		try (var fixture = FixtureTensors.open("qwen2_5_vl_tiny/generate.safetensors");
				NDManager manager = qwen25.manager().newSubManager()) {
			ModelInputs prompt = withImage(ModelInputs.of(fixture.array(manager, "single.input_ids")), manager,
					"qwen2_5_vl_tiny");
			int before = managed(qwen25.manager());
			Generator generator = new Generator(qwen25, null);
			int[] seen = { 0 };
			Generation ended = generator.generate(prompt, greedyIgnoringEos(qwen25),
					(b, token, logits, offset, vocab) -> ++seen[0] == 3);
			assertThat(ended.tokenIds().get(0)).hasSize(3);
			assertThatThrownBy(() -> generator.generate(prompt, greedyIgnoringEos(qwen25),
					(b, token, logits, offset, vocab) -> {
						throw new IllegalStateException("the client went away");
					})).hasMessageContaining("went away");
			assertThat(managed(qwen25.manager())).isEqualTo(before);
		}
	}

	@Test
	void generationLeavesNoArraysBehindAndRestoresGradMode() {
		try (var fixture = FixtureTensors.open("qwen2_5_vl_tiny/generate.safetensors");
				NDManager manager = qwen25.manager().newSubManager()) {
			ModelInputs prompt = withImage(ModelInputs.of(fixture.array(manager, "batch.input_ids"))
				.withAttentionMask(fixture.array(manager, "batch.attention_mask")), manager, "qwen2_5_vl_tiny");
			int before = managed(qwen25.manager());
			int promptArrays = managed(manager);
			boolean gradMode = ai.djl.pytorch.jni.JniUtils.isGradMode();
			new Generator(qwen25, null).generate(prompt, greedyIgnoringEos(qwen25));
			assertThat(managed(manager)).isEqualTo(promptArrays);
			assertThat(managed(qwen25.manager())).isEqualTo(before);
			assertThat(ai.djl.pytorch.jni.JniUtils.isGradMode()).isEqualTo(gradMode);
		}
	}

	static int managed(NDManager manager) {
		return ((ai.djl.ndarray.BaseNDManager) manager).getManagedArrays().size();
	}

	@Test
	void badSamplingParamsAreRejected() {
		assertThatThrownBy(() -> new SamplingParams(4, -1, 0, 1, 0, List.of(), 0))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new SamplingParams(4, 1, 0, 0, 0, List.of(), 0))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new SamplingParams(4, 1, 0, 1, 0, List.of(), 0, 2.5, 0))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new SamplingParams(4, 1, 0, 1, 0, List.of(), 0, 0, Double.NaN))
			.isInstanceOf(IllegalArgumentException.class);
	}

	static long[] generated(FixtureTensors fixture, String key, int row) {
		long[][] out = fixture.matrix(key);
		return Arrays.copyOfRange(out[row], out[row].length - NEW_TOKENS, out[row].length);
	}

	static long[] unpadded(long[] ids, long[] mask) {
		return Arrays.stream(java.util.stream.IntStream.range(0, ids.length).toArray())
			.filter((i) -> mask[i] == 1)
			.mapToLong((i) -> ids[i])
			.toArray();
	}

}
