package dev.vlmr1.studio.reward;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import org.jspecify.annotations.Nullable;

/** JSON as Python's {@code json.loads} reads it and as Python iterates the result ({@code [x for x in data]}). */
final class PyJson {

	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.build();

	private PyJson() {
	}

	/** {@code json.loads(s)}, or null where it raises. */
	static @Nullable JsonNode loads(String s) {
		try {
			JsonNode node = JSON.readTree(s);
			return (node == null || node.isMissingNode()) ? null : node;
		}
		catch (JsonProcessingException ex) {
			return null;
		}
	}

	/**
	 * {@code [item for item in data]}: a list's elements, a dict's keys, a string's characters; null where Python
	 * raises TypeError (numbers, booleans, null).
	 */
	static @Nullable List<JsonNode> items(JsonNode data) {
		List<JsonNode> out = new ArrayList<>();
		if (data.isArray()) {
			data.forEach(out::add);
		}
		else if (data.isObject()) {
			data.fieldNames().forEachRemaining((k) -> out.add(TextNode.valueOf(k)));
		}
		else if (data.isTextual()) {
			data.textValue().codePoints().forEach((cp) -> out.add(TextNode.valueOf(Character.toString(cp))));
		}
		else {
			return null;
		}
		return out;
	}

	/** {@code obj[key]} of a dict, or null where Python raises (not a dict, or no such key). */
	static @Nullable JsonNode get(JsonNode obj, String key) {
		return obj.isObject() ? obj.get(key) : null;
	}

	/** The first four entries of a box list as numbers, or null where VLM-R1's arithmetic on them raises. */
	static double @Nullable [] box(@Nullable JsonNode bbox) {
		if (bbox == null || !bbox.isArray() || bbox.size() < 4) {
			return null;
		}
		double[] v = new double[4];
		for (int i = 0; i < 4; i++) {
			if (!bbox.get(i).isNumber()) {
				return null;
			}
			v[i] = bbox.get(i).doubleValue();
		}
		return v;
	}

	/** A dict key as Python compares it: 1 and 1.0 are one key, "1" another; null for unhashable values. */
	static @Nullable String key(@Nullable JsonNode label) {
		if (label == null) {
			return null;
		}
		if (label.isTextual()) {
			return "s:" + label.textValue();
		}
		if (label.isNumber() || label.isBoolean()) {
			return "n:" + (label.isBoolean() ? (label.booleanValue() ? 1.0 : 0.0) : label.doubleValue());
		}
		return label.isNull() ? "null" : null;
	}

}
