package dev.vlmr1.studio.reward;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link RewardSample} from one VLM-R1 jsonl row (DATA.md): the human turn without {@code <image>}
 * markers is the question, the gpt turn (string or number) the solution, every other field except
 * {@code conversations} and {@code image} is kept, and {@code accu_reward_method} is lifted out.
 */
public final class JsonlSamples {

	private static final ObjectMapper JSON = new ObjectMapper();

	private JsonlSamples() {
	}

	/**
	 * @param line one jsonl line
	 * @param images the row's images with their sizes and grids, in order
	 * @throws IllegalArgumentException when the line is not a row with two conversation turns
	 */
	public static RewardSample fromLine(String line, List<SampleImage> images) {
		JsonNode row;
		try {
			row = JSON.readTree(line);
		}
		catch (JsonProcessingException ex) {
			throw new IllegalArgumentException("not a JSON line: " + ex.getOriginalMessage());
		}
		if (row == null || !row.isObject()) {
			throw new IllegalArgumentException("a jsonl row must be a JSON object");
		}
		JsonNode turns = row.get("conversations");
		if (turns == null || !turns.isArray() || turns.size() < 2 || !turns.get(0).has("value")
				|| !turns.get(1).has("value")) {
			throw new IllegalArgumentException("a jsonl row needs conversations [human, gpt] with values");
		}
		String question = turns.get(0).get("value").asText().replace("<image>", "").strip();
		JsonNode answer = turns.get(1).get("value");
		String solution = answer.isTextual() ? answer.textValue() : answer.toString();
		Map<String, @Nullable Object> fields = new LinkedHashMap<>();
		row.fields().forEachRemaining((e) -> {
			if (!e.getKey().equals("conversations") && !e.getKey().equals("image")) {
				fields.put(e.getKey(), JSON.convertValue(e.getValue(), Object.class));
			}
		});
		JsonNode method = row.get("accu_reward_method");
		String accu = (method != null && method.isTextual()) ? method.textValue() : null;
		return new RewardSample(question, solution, fields, images, accu);
	}

}
