package dev.vlmr1.studio.reward;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The linear scans answer exactly what VLM-R1's regular expressions (kept here as the specification) answered, on
 * many texts assembled from the pieces those expressions care about: scores do not change, only the time.
 */
class LinearScanParityTests {

	private static final Pattern THINK_ANSWER = Pattern.compile("<think>.*?</think>\\s*<answer>.*?</answer>",
			Pattern.DOTALL);

	private static final Pattern REC = Pattern.compile(
			"<think>.*?</think>\\s*<answer>.*?\\{.*\\[\\d+,\\s*\\d+,\\s*\\d+,\\s*\\d+\\].*\\}.*?</answer>",
			Pattern.DOTALL);

	private static final Pattern ANSWER = Pattern.compile("<answer>(.*?)</answer>", Pattern.DOTALL);

	private static final Pattern FENCE = Pattern.compile("```(?:json)?(.*?)```", Pattern.DOTALL);


	private static final List<String> PIECES = List.of("<think>", "</think>", "<answer>", "</answer>", "<think",
			"</answer", " ", "\n", "\t", "\u000B", "\u00A0", "{", "}", "[", "]", "1", "23", ",", ", ", "-", ".", "`",
			"```", "json", "x", "yes", "no", "know", "Yes", "\u0301", "_", "é", "\uD83D\uDE00");

	private static final int TEXTS = 40_000;

	@Test
	void formatAndFormatRecAgreeWithTheirPatterns() {
		forRandomTexts((text) -> {
			assertThat(FormatReward.wholeThinkAnswer(text)).as(text).isEqualTo(THINK_ANSWER.matcher(text).matches());
			assertThat(FormatReward.containsRec(text)).as(text).isEqualTo(REC.matcher(text).find());
		});
	}

	@Test
	void firstAndLastAnswerAgreeWithThePattern() {
		forRandomTexts((text) -> {
			Matcher m = ANSWER.matcher(text);
			Optional<String> first = m.find() ? Optional.of(m.group(1)) : Optional.empty();
			String last = first.orElse(null);
			while (m.find()) {
				last = m.group(1);
			}
			assertThat(Answers.first(text)).as(text).isEqualTo(first);
			assertThat(Answers.last(text)).as(text).isEqualTo(Optional.ofNullable(last));
		});
	}

	@Test
	void unfencingAgreesWithThePattern() {
		forRandomTexts((text) -> {
			Matcher m = FENCE.matcher(text);
			String inside = null;
			while (m.find()) {
				inside = m.group(1);
			}
			assertThat(DetectionParser.unfence(text)).as(text).isEqualTo((inside != null) ? inside : text);
		});
	}

	@Test
	void yesNoAgreesWithThePattern() {
		forRandomTexts((text) -> {
			Matcher m = Pattern.compile("(yes|no)").matcher(text);
			assertThat(YesNoReward.first(text)).as(text).isEqualTo(m.find() ? m.group(1) : "");
		});
	}

	@Test
	void repetitionCountsTheSameNgramsAsJoinedWordStrings() {
		RewardSample sample = RewardSample.of("q", "s");
		for (int n : new int[] { 1, 2, 3, 6 }) {
			RepetitionReward reward = (RepetitionReward) RewardRegistry.standard()
				.create(new RewardTerm("repetition", 1, java.util.Map.of("ngram", n)));
			forRandomTexts((text) -> {
				// the n-grams as VLM-R1 builds them: words joined by one space
				// Python's split(): Unicode whitespace
				String[] words = PyText.split(text.toLowerCase(java.util.Locale.ROOT)).toArray(String[]::new);
				java.util.List<String> grams = new java.util.ArrayList<>();
				if (words.length >= n) {
					for (int i = 0; i + n <= words.length; i++) {
						grams.add(String.join(" ", java.util.Arrays.asList(words).subList(i, i + n)));
					}
				}
				double expected = grams.isEmpty() ? 0 : -(1 - (double) new java.util.HashSet<>(grams).size() / grams.size());
				if (RepetitionReward.detectionItems(text) == null && !text.isEmpty()) {
					assertThat(reward.score(Completion.of(text), sample)).as(text).isEqualTo(expected);
				}
			});
		}
	}

	private static void forRandomTexts(java.util.function.Consumer<String> check) {
		Random random = new Random(11);
		for (int i = 0; i < TEXTS; i++) {
			int pieces = random.nextInt(24);
			StringBuilder sb = new StringBuilder();
			for (int p = 0; p < pieces; p++) {
				sb.append(PIECES.get(random.nextInt(PIECES.size())));
			}
			check.accept(sb.toString());
		}
	}

}
