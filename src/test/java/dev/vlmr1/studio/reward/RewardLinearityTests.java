package dev.vlmr1.studio.reward;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.vlmr1.studio.Slow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Every reward function reads a 1 MiB completion of each adversarial shape within a bound that linear work meets by
 * a wide margin and quadratic work misses by minutes (issue 11, class 4: {@code <think>} repeated 8,000 times took
 * 8.8 s in format_rec, 8 KB of {@code {} 3.1 s). The bound is a guard against a hang, not a speed measurement.
 */
@Slow
class RewardLinearityTests {

	private static final int MIB = 1 << 20;

	private static final Duration BOUND = Duration.ofSeconds(10);

	private static final String OPEN = "<think>t</think><answer>";

	private static final SampleImage IMAGE = new SampleImage(1000, 500, 1, 20, 40);

	/** Each shape filled to 1 MiB; the prefixed ones get past the tags into the answer's own parsing. */
	private static final Map<String, String> INPUTS = inputs();

	private static Map<String, String> inputs() {
		Map<String, String> in = new LinkedHashMap<>();
		in.put("repeated <think>", fill("", "<think>"));
		in.put("repeated </think>", fill("<think>", "</think>"));
		in.put("repeated </think><answer>", fill("<think>", "</think><answer>"));
		in.put("repeated <answer>", fill("", "<answer>"));
		in.put("repeated </answer>", fill("<think>t</think><answer>", "</answer>"));
		in.put("repeated think-answer pairs", fill("", "<think></think><answer></answer>") + "x");
		in.put("unclosed braces", fill(OPEN, "{"));
		in.put("unclosed brackets", fill(OPEN + "{", "["));
		in.put("nested brackets", fill(OPEN, "[[[[") + "</answer>");
		in.put("digits", fill(OPEN + "{[", "1234567890"));
		in.put("open int boxes", fill(OPEN + "{", "[1, 2, 3"));
		in.put("boxes without a closing brace", fill(OPEN + "{", "[1, 2, 3, 4]"));
		in.put("whitespace runs", fill(OPEN, " \t\n\r\f\u000B"));
		in.put("combining marks", fill(OPEN + " ", "\u0301"));
		in.put("repeated fences", fill(OPEN, "```json"));
		in.put("unclosed JSON strings", fill(OPEN + "[{\"label\": \"", "\\\""));
		in.put("many detections", fill(OPEN + "[", "{\"bbox_2d\": [1, 2, 30, 40], \"label\": \"a\"}, ") + "]</answer>");
		in.put("capital letters", fill(OPEN, "A. "));
		in.put("yes and no", fill(OPEN, "yes no "));
		in.put("number with units", fill(OPEN + "$ 1", "0") + "e" + "9".repeat(1000) + " px</answer>");
		in.put("words", fill("", "word" + " "));
		return in;
	}

	private static String fill(String prefix, String unit) {
		StringBuilder sb = new StringBuilder(MIB + unit.length()).append(prefix);
		while (sb.length() < MIB) {
			sb.append(unit);
		}
		return sb.toString();
	}

	static Stream<Arguments> functionsAndInputs() {
		return RewardRegistry.standard().functions().stream()
			.flatMap((f) -> INPUTS.keySet().stream().map((input) -> Arguments.of(f.name(), input)));
	}

	@ParameterizedTest(name = "{0} on {1}")
	@MethodSource("functionsAndInputs")
	void readsAMebibyteOfAdversarialTextInLinearTime(String function, String input) {
		RewardFunction reward = RewardRegistry.standard().create(RewardTerm.of(function));
		Completion completion = new Completion(INPUTS.get(input), 300_000);
		RewardSample sample = sampleFor(function);
		RewardResult result = assertTimeoutPreemptively(BOUND, () -> reward.evaluate(completion, sample));
		assertThat(result.score()).isFinite();
	}

	private static RewardSample sampleFor(String function) {
		String solution = switch (function) {
			case "iou", "iou_threshold", "format_rec" -> "[10, 20, 300, 400]";
			case "od_ap", "od_ap50", "od_length", "od_weighted", "format_ovd" ->
				"[{\"bbox_2d\": [1, 2, 30, 40], \"label\": \"a\"}, {\"bbox_2d\": [5, 5, 50, 50], \"label\": \"b\"}]";
			case "numeric" -> "42";
			case "choice" -> "B";
			case "yes_no" -> "yes";
			default -> "a short reference answer";
		};
		return RewardSample.of("q", solution).withImage(IMAGE);
	}

}
