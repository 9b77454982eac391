package dev.vlmr1.studio.synth;

import java.nio.file.Path;
import java.text.Normalizer;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trained {@code tokenizer.json} is a working Hugging Face tokenizer: DJL's binding of {@code tokenizers} loads
 * it, encodes with the learnt merges, decodes every text back exactly, and treats the Qwen special tokens as
 * single ids wherever they appear.
 */
class TrainedTokenizerLoadingTests {

	@TempDir
	static Path dir;

	static List<String> corpus;

	static BpeTokenizer trained;

	static QwenTokenizer tokenizer;

	@BeforeAll
	static void train() {
		corpus = BpeTokenizerTrainerTests.corpus(11, 150);
		trained = new BpeTokenizerTrainer(1024, 2).train(corpus);
		trained.write(dir);
		tokenizer = QwenTokenizer.load(dir);
	}

	@AfterAll
	static void close() {
		tokenizer.close();
	}

	@Test
	void roundTripsEveryCorpusTextExactlyAndCompressesIt() {
		long tokens = 0;
		long bytes = 0;
		for (String text : corpus) {
			long[] ids = tokenizer.encode(text);
			assertThat(java.util.Arrays.stream(ids)).allMatch((id) -> id >= 0 && id < trained.size());
			assertThat(tokenizer.decode(ids, false)).isEqualTo(text);
			tokens += ids.length;
			bytes += text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
		}
		// the scaffolding, colours and shapes are single tokens: far fewer tokens than bytes
		assertThat((double) tokens / bytes).isLessThan(0.3);
	}

	@Test
	void specialTokensAreSingleIdsAlsoInsideText() {
		for (String special : QwenSpecialTokens.ALL) {
			long id = trained.specialTokenId(special);
			assertThat(tokenizer.encode(special)).containsExactly(id);
			long[] inside = tokenizer.encode("red" + special + "circle");
			assertThat(inside).contains(id);
			assertThat(tokenizer.decode(inside, false)).isEqualTo("red" + special + "circle");
			assertThat(tokenizer.decode(inside, true)).isEqualTo("redcircle");
		}
		var special = tokenizer.specialTokens();
		assertThat(special.imEnd()).isEqualTo(trained.specialTokenId(QwenSpecialTokens.IM_END));
		assertThat(special.imagePad()).isEqualTo(trained.specialTokenId(QwenSpecialTokens.IMAGE_PAD));
		assertThat(special.pad()).isEqualTo(trained.specialTokenId(QwenSpecialTokens.END_OF_TEXT));
	}

	@Test
	void anyUnicodeFallsBackToByteTokensAndRoundTrips() {
		List<String> texts = List.of("日本語のテキスト", "emoji 🟥🔺 and 👩‍💻", "tabs\tand\r\nnewlines\n\n  ",
				"\u0000\u0001\u007f", "Ġ literal Ġ and Ċ", "Ελληνικά, русский, עברית, العربية", "ß ﬁ ǅ", "a<|im_end",
				"<|unknown|>");
		for (String text : texts) {
			long[] ids = tokenizer.encode(text);
			assertThat(java.util.Arrays.stream(ids)).isNotEmpty().allMatch((id) -> id < trained.size());
			assertThat(tokenizer.decode(ids, false)).as(text).isEqualTo(text);
		}
		// the normaliser is NFC, as Qwen's: a decomposed é comes back composed
		String decomposed = "cafe\u0301";
		assertThat(tokenizer.decode(tokenizer.encode(decomposed), false))
			.isEqualTo(Normalizer.normalize(decomposed, Normalizer.Form.NFC));
	}

	@Test
	void pieceBoundariesFollowQwensSplit() {
		// " red" keeps its leading space; a space before a digit stands alone and numbers are single digits
		long[] ids = tokenizer.encode(" red 42");
		assertThat(ids).hasSize(4);
		List<String> pieces = java.util.Arrays.stream(ids).mapToObj((id) -> tokenizer.decode(new long[] { id }, false))
			.toList();
		assertThat(pieces).containsExactly(" red", " ", "4", "2");
	}


	@Test
	void javaPreTokenizerSplitsExactlyLikeTheRustOne(@TempDir Path saturated) throws Exception {
		// trained to saturation, every corpus piece is one token: Rust's tokens are then the Rust split's pieces
		List<String> texts = new java.util.ArrayList<>(corpus.subList(0, 60));
		texts.addAll(List.of("Ελληνικά, русский 12.5% — it's  OK?!\n\n\tdone", "x = [3, 4]; y='ll'  \r\n  z"));
		BpeTokenizer full = new BpeTokenizerTrainer(100_000, 1).train(texts);
		full.write(saturated);
		var pre = new QwenPreTokenizer(QwenSpecialTokens.ALL);
		try (var rust = ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.builder()
			.optTokenizerPath(saturated.resolve("tokenizer.json"))
			.optAddSpecialTokens(false)
			.optTruncation(false)
			.optPadding(false)
			.build()) {
			for (String text : texts) {
				List<String> ours = new java.util.ArrayList<>();
				pre.split(text, ours::add);
				List<String> theirs = java.util.Arrays.stream(rust.encode(text).getTokens())
					.filter((t) -> !QwenSpecialTokens.ALL.contains(t))
					.toList();
				assertThat(theirs).as(text).isEqualTo(ours);
			}
		}
	}

}
