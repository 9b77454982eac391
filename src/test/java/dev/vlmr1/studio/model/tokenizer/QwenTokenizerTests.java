package dev.vlmr1.studio.model.tokenizer;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QwenTokenizerTests {

	static final Path FIXTURES = Path.of("src/test/resources/fixtures");

	static QwenTokenizer tokenizer;

	static JsonNode reference;

	@BeforeAll
	static void load() throws Exception {
		tokenizer = QwenTokenizer.load(FIXTURES.resolve("qwen2_5_vl_tiny"));
		reference = new ObjectMapper().readTree(FIXTURES.resolve("tokenizer/tokenizer_reference.json").toFile());
	}

	@AfterAll
	static void close() {
		tokenizer.close();
	}

	@Test
	void reproducesTheReferenceEncodings() {
		JsonNode encodings = reference.path("encodings");
		assertThat(encodings.size()).isEqualTo(6);
		for (JsonNode encoding : encodings) {
			long[] expected = new long[encoding.path("ids").size()];
			for (int i = 0; i < expected.length; i++) {
				expected[i] = encoding.path("ids").get(i).asLong();
			}
			String text = encoding.path("text").asText();
			assertThat(tokenizer.encode(text)).as(text).containsExactly(expected);
			assertThat(tokenizer.decode(expected, false)).as("decode " + text).isEqualTo(text);
		}
	}

	@Test
	void readsEverySpecialIdFromTheTokenizer() {
		reference.path("special_ids")
			.properties()
			.forEach((e) -> assertThat(tokenizer.tokenId(e.getKey())).as(e.getKey()).isEqualTo(e.getValue().asLong()));
		SpecialTokens special = tokenizer.specialTokens();
		assertThat(special).isEqualTo(new SpecialTokens(553, 554, 555, 562, 563, 565, 566));
		assertThat(special.contains(555)).isTrue();
		assertThat(special.contains(100)).isFalse();
	}

	@Test
	void longTextsAreNotTruncated() {
		String text = "the small red square on the left ".repeat(200);
		long[] ids = tokenizer.encode(text);
		assertThat(ids.length).isGreaterThan(512);
		assertThat(tokenizer.decode(ids, false)).isEqualTo(text);
	}

	@Test
	void decodingCanSkipSpecialTokens() {
		long[] ids = tokenizer.encode("<|im_start|>assistant\n<answer>42</answer><|im_end|>");
		assertThat(tokenizer.decode(ids, true)).isEqualTo("assistant\n<answer>42</answer>");
		assertThat(tokenizer.encode("")).isEmpty();
	}

	@Test
	void missingOrBrokenTokenizerIsAClearError(@TempDir Path dir) throws Exception {
		assertThatThrownBy(() -> QwenTokenizer.load(dir)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("no tokenizer.json");
		java.nio.file.Files.writeString(dir.resolve("tokenizer.json"), "{not json");
		assertThatThrownBy(() -> QwenTokenizer.load(dir)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("cannot load tokenizer");
	}

}
