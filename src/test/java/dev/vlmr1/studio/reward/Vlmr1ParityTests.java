package dev.vlmr1.studio.reward;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every case of {@code vlmr1-parity.jsonl} (VLM-R1's own reward code run unchanged on generated completions; see
 * the README next to it) scored by the production reward functions: each agrees with VLM-R1 within 1e-6, except
 * the cases of a deliberate deviation (REWARDS-PARITY.md), which are recognised from their inputs alone and each
 * have their own test in {@link Vlmr1DeviationTests}.
 */
class Vlmr1ParityTests {

	static final String FIXTURE = "vlmr1-parity.jsonl";

	private static final ObjectMapper JSON = new ObjectMapper();

	private final RewardRegistry registry = RewardRegistry.standard();

	/** The deliberate deviations, each recognised from a case's inputs and VLM-R1's answer. */
	enum Deviation {

		/** detection_score reads the label of a matched prediction without one: UnboundLocalError. */
		UNLABELLED_MATCH_RAISES,
		/** map_reward finds no readable ```json fence in the answer and scores "both empty" 1.0 against an empty truth. */
		UNFENCED_ANSWER_AGAINST_EMPTY_TRUTH,
		/** cosine_reward overwrites the accuracy with 1.0, so a wrong answer takes the correct branch. */
		COSINE_WRONG_ANSWER,
		/** numeric_reward returns None (not a score) when float() fails; our numeric reads units and separators. */
		NUMERIC_NOT_A_FLOAT;

		static Optional<Deviation> of(JsonNode c) {
			String family = c.get("family").asText();
			if (c.hasNonNull("vlmr1_error") && family.equals("od_weighted")) {
				return Optional.of(UNLABELLED_MATCH_RAISES);
			}
			if (family.equals("numeric") && c.get("vlmr1").isNull()) {
				return Optional.of(NUMERIC_NOT_A_FLOAT);
			}
			if (family.equals("length_cosine")) {
				if (c.get("vlmr1_accuracy").asDouble() < 0.7) {
					return Optional.of(COSINE_WRONG_ANSWER);
				}
			}
			boolean ap = List.of("od_ap", "od_ap50", "od_length", "map").contains(family);
			if (ap && emptyTruth(c.get("solution").asText()) && c.get("vlmr1").asDouble() == 1.0
					&& !saysNothing(c.get("completion").asText(), family.equals("map"))) {
				return Optional.of(UNFENCED_ANSWER_AGAINST_EMPTY_TRUTH);
			}
			return Optional.empty();
		}

		private static boolean emptyTruth(String solution) {
			String s = solution.strip();
			return s.equals("None") || s.replace("```json", "").replace("```", "").strip().equals("[]");
		}

		/** The last answer (the whole completion for map) is None, an empty JSON list, or holds a parsable ```json fence. */
		private static boolean saysNothing(String completion, boolean wholeCompletion) {
			String answer = Answers.last(completion).map(String::strip).orElse(wholeCompletion ? "" : null);
			if (answer == null) {
				return true;
			}
			if (answer.equals("None") || emptyList(answer)) {
				return true;
			}
			String where = wholeCompletion ? completion : answer;
			int open = where.lastIndexOf("```json");
			int close = (open < 0) ? -1 : where.indexOf("```", open + 7);
			return close > 0 && parses(where.substring(open + 7, close).strip());
		}

		private static boolean emptyList(String json) {
			try {
				JsonNode node = JSON.readTree(json);
				return node != null && node.isArray() && node.isEmpty();
			}
			catch (IOException ex) {
				return false;
			}
		}

		private static boolean parses(String json) {
			try {
				return JSON.readTree(json) != null && JSON.readTree(json).isArray();
			}
			catch (IOException ex) {
				return false;
			}
		}

	}

	@Test
	void everyCaseScoresWhatVlmr1ScoresExceptTheListedDeviations() throws IOException {
		List<JsonNode> cases = cases();
		Map<String, Integer> perFamily = new TreeMap<>();
		Map<Deviation, Integer> deviations = new EnumMap<>(Deviation.class);
		List<String> disagreements = new ArrayList<>();
		for (JsonNode c : cases) {
			Optional<Deviation> deviation = Deviation.of(c);
			if (deviation.isPresent()) {
				deviations.merge(deviation.get(), 1, Integer::sum);
				continue;
			}
			perFamily.merge(c.get("family").asText(), 1, Integer::sum);
			double ours = score(c);
			double theirs = c.get("vlmr1").asDouble();
			if (!(Math.abs(ours - theirs) <= 1e-6)) {
				disagreements.add(c.get("family").asText() + " #" + c.get("id").asInt() + ": VLM-R1 " + theirs
						+ ", ours " + ours + " for " + JSON.writeValueAsString(c.get("completion")) + " vs "
						+ JSON.writeValueAsString(c.get("solution")));
			}
		}
		assertThat(disagreements).as("cases scored differently from VLM-R1 (%d)", disagreements.size())
			.isEmpty();
		assertThat(cases).hasSizeGreaterThanOrEqualTo(2000);
		// every family the fixture covers is compared on real cases, not only on deviations
		assertThat(perFamily).containsOnlyKeys("format", "format_rec", "iou", "od_ap", "od_ap50", "od_length", "map",
				"od_weighted", "exact", "fuzzy", "choice", "yes_no", "numeric", "repetition", "length_cosine");
		assertThat(perFamily.values()).allSatisfy((n) -> assertThat(n).isGreaterThanOrEqualTo(50));
		// each deviation is exercised, and none swallows a family
		assertThat(deviations).containsOnlyKeys(Deviation.values());
		assertThat(deviations.values().stream().mapToInt(Integer::intValue).sum()).isLessThan(cases.size() / 10);
	}

	double score(JsonNode c) {
		Map<String, Object> params = new LinkedHashMap<>();
		if (c.has("params")) {
			c.get("params").fields().forEachRemaining((e) -> params.put(e.getKey(),
					e.getValue().isNumber() ? e.getValue().numberValue() : e.getValue().asText()));
		}
		RewardFunction fn = registry.create(new RewardTerm(c.get("function").asText(), 1, params));
		RewardSample sample = RewardSample.of("q", c.get("solution").asText());
		if (c.has("image")) {
			JsonNode im = c.get("image");
			sample = sample.withImage(new SampleImage(im.get("width").asInt(), im.get("height").asInt(),
					im.get("grid_t").asInt(), im.get("grid_h").asInt(), im.get("grid_w").asInt()));
		}
		int tokens = c.has("tokens") ? c.get("tokens").asInt() : -1;
		return fn.score(new Completion(c.get("completion").asText(), tokens), sample);
	}

	static List<JsonNode> cases() throws IOException {
		List<JsonNode> out = new ArrayList<>();
		try (InputStream in = Vlmr1ParityTests.class.getResourceAsStream(FIXTURE);
				BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
			String header = r.readLine();
			assertThat(JSON.readTree(header).get("source").asText()).isEqualTo("om-ai-lab/VLM-R1");
			String line;
			while ((line = r.readLine()) != null) {
				out.add(JSON.readTree(line));
			}
		}
		return out;
	}

}
