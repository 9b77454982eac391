package dev.vlmr1.studio.synth;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vlmr1.studio.synth.SyntheticDataset.Split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Training itself, without any tokenizer runtime: sizes, determinism, merges, and the JSON structure. */
class BpeTokenizerTrainerTests {

	static final String FIXTURE = "src/test/resources/fixtures/qwen2_5_vl_tiny/tokenizer.json";

	static List<String> corpus(long seed, int perTask) {
		var data = new SyntheticDataset(seed, 112, 112);
		List<SynthSample> samples = new ArrayList<>();
		for (SynthTask task : SynthTask.values()) {
			samples.addAll(data.generate(task, Split.IN_DOMAIN, perTask, task.name()));
		}
		return TokenizerCorpus.fromSamples(samples);
	}

	@Test
	void reachesTheTargetSizeWithBytesFirstAndSpecialTokensLast() {
		BpeTokenizer tokenizer = new BpeTokenizerTrainer(512, 2).train(corpus(1, 300));
		assertThat(tokenizer.size()).isEqualTo(512);
		assertThat(tokenizer.vocab()).hasSize(512 - 14).startsWith(ByteLevel.ALPHABET);
		assertThat(tokenizer.vocab().get(0)).isEqualTo("!");
		assertThat(tokenizer.vocab().get(255)).isEqualTo("Ń");
		assertThat(tokenizer.specialTokenId("<|endoftext|>")).isEqualTo(498);
		assertThat(tokenizer.specialTokenId("<|video_pad|>")).isEqualTo(511);
		assertThat(new HashSet<>(tokenizer.vocab())).hasSize(tokenizer.vocab().size());
		assertThat(tokenizer.merges()).hasSizeGreaterThanOrEqualTo(512 - 14 - 256);
	}

	@Test
	void everyMergeJoinsTwoKnownTokensIntoAKnownToken() {
		BpeTokenizer tokenizer = new BpeTokenizerTrainer(600, 2).train(corpus(2, 50));
		Set<String> known = new HashSet<>(List.of(ByteLevel.ALPHABET));
		for (String[] merge : tokenizer.merges()) {
			assertThat(known).as("merge %s + %s uses tokens made earlier", merge[0], merge[1])
				.contains(merge[0], merge[1]);
			known.add(merge[0] + merge[1]);
		}
		assertThat(known).containsExactlyInAnyOrderElementsOf(tokenizer.vocab());
	}

	@Test
	void learnsTheFrequentScaffoldingAndNeverASpecialToken() {
		BpeTokenizer tokenizer = new BpeTokenizerTrainer(1024, 2).train(corpus(3, 300));
		// Qwen's split regex cuts "<think>" into "<think" + ">" and "</think>" into "</" + "think" + ">"
		assertThat(tokenizer.vocab()).contains("<think", "think", "Ġcircle", "Ġtriangle", "assistant", "bbox");
		assertThat(tokenizer.vocab()).noneMatch((token) -> token.contains("<|"));
	}

	@Test
	void sameCorpusGivesTheSameTokenizer() {
		var corpus = corpus(4, 100);
		BpeTokenizer a = new BpeTokenizerTrainer(800, 2).train(corpus);
		BpeTokenizer b = new BpeTokenizerTrainer(800, 2).train(new ArrayList<>(corpus));
		assertThat(a.vocab()).isEqualTo(b.vocab());
		assertThat(a.merges()).usingElementComparator((x, y) -> List.of(x).equals(List.of(y)) ? 0 : 1)
			.isEqualTo(b.merges());
		assertThat(a.tokenizerJson()).isEqualTo(b.tokenizerJson());
	}

	@Test
	void stopsEarlyWhenNoPairIsFrequentEnough() {
		BpeTokenizer tokenizer = new BpeTokenizerTrainer(1024, 2).train(List.of("abab", "xyz"));
		// "ab" occurs twice, then "abab" is one word seen once: nothing else reaches 2
		assertThat(tokenizer.merges()).hasSize(1);
		assertThat(tokenizer.merges().get(0)).containsExactly("a", "b");
		assertThat(tokenizer.size()).isEqualTo(256 + 1 + 14);
	}

	@Test
	void anEmptyCorpusGivesTheBareByteTokenizer() {
		BpeTokenizer tokenizer = new BpeTokenizerTrainer(1024, 1).train(List.of());
		assertThat(tokenizer.size()).isEqualTo(BpeTokenizerTrainer.MIN_VOCAB_SIZE);
		assertThat(tokenizer.merges()).isEmpty();
	}

	@Test
	void rejectsATargetBelowBytesAndSpecialTokensAndANonPositiveMinimum() {
		assertThatThrownBy(() -> new BpeTokenizerTrainer(269, 2)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("270");
		assertThatThrownBy(() -> new BpeTokenizerTrainer(1024, 0)).isInstanceOf(IllegalArgumentException.class);
		BpeTokenizer tokenizer = new BpeTokenizerTrainer(270, 1).train(List.of("aaaa"));
		assertThat(tokenizer.merges()).isEmpty();
		assertThatThrownBy(() -> tokenizer.specialTokenId("<think>")).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void writesQwenStructuredTokenizerFiles(@TempDir Path dir) throws Exception {
		new BpeTokenizerTrainer(700, 2).train(corpus(5, 50)).write(dir);
		var json = new ObjectMapper();
		JsonNode written = json.readTree(dir.resolve("tokenizer.json").toFile());
		JsonNode fixture = json.readTree(Path.of(FIXTURE).toFile());
		for (String field : List.of("normalizer", "pre_tokenizer", "post_processor", "decoder")) {
			assertThat(written.get(field)).as(field).isEqualTo(fixture.get(field));
		}
		List<String> names = new ArrayList<>();
		written.fieldNames().forEachRemaining(names::add);
		List<String> fixtureNames = new ArrayList<>();
		fixture.fieldNames().forEachRemaining(fixtureNames::add);
		assertThat(names).isEqualTo(fixtureNames);
		var model = written.get("model");
		model.fieldNames().forEachRemaining((f) -> assertThat(fixture.get("model").has(f)).as(f).isTrue());
		for (int i = 0; i < 14; i++) {
			JsonNode ours = written.get("added_tokens").get(i);
			JsonNode theirs = fixture.get("added_tokens").get(i);
			assertThat(ours.get("content")).isEqualTo(theirs.get("content"));
			assertThat(ours.get("id").asInt()).isEqualTo(model.get("vocab").size() + i);
		}
		JsonNode config = json.readTree(dir.resolve("tokenizer_config.json").toFile());
		assertThat(config.get("eos_token").asText()).isEqualTo("<|im_end|>");
		assertThat(config.get("pad_token").asText()).isEqualTo("<|endoftext|>");
		assertThat(config.get("added_tokens_decoder").size()).isEqualTo(14);
		assertThat(Files.size(dir.resolve("tokenizer.json"))).isLessThan(200_000);
	}

}
