package dev.vlmr1.studio.reward;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

/**
 * Reads a reward configuration from JSON: {@code [{"function": "iou", "weight": 1.0, "params": {...}}, ...]}.
 * {@code weight} defaults to 1 and {@code params} to {}. Every structural problem is reported at once, with the
 * index of the term and the field, as {@link ConfigViolation}s.
 */
public final class RewardConfigParser {

	private static final ObjectMapper JSON = new ObjectMapper();

	private static final Set<String> FIELDS = Set.of("function", "weight", "params");

	private RewardConfigParser() {
	}

	/**
	 * Parses and then validates against the registry.
	 * @throws InvalidRewardConfigException with every structural and registry violation
	 */
	public static List<RewardTerm> parseAndValidate(String json, RewardRegistry registry) {
		List<RewardTerm> terms = parse(json);
		List<ConfigViolation> violations = registry.validate(terms);
		if (!violations.isEmpty()) {
			throw new InvalidRewardConfigException(violations);
		}
		return terms;
	}

	/**
	 * Parses the JSON structure only (names and values are checked by {@link RewardRegistry#validate}).
	 * @throws InvalidRewardConfigException when the text is not JSON or not shaped like a configuration
	 */
	public static List<RewardTerm> parse(String json) {
		JsonNode root;
		try {
			root = JSON.readTree(json);
		}
		catch (JsonProcessingException ex) {
			var loc = ex.getLocation();
			String where = (loc != null) ? " at line " + loc.getLineNr() + ", column " + loc.getColumnNr() : "";
			throw fail(-1, "", "not valid JSON" + where + ": " + ex.getOriginalMessage());
		}
		if (root == null || root.isMissingNode() || !root.isArray()) {
			throw fail(-1, "", "must be a JSON array of {\"function\", \"weight\", \"params\"} objects");
		}
		List<ConfigViolation> violations = new ArrayList<>();
		List<RewardTerm> terms = new ArrayList<>();
		for (int i = 0; i < root.size(); i++) {
			RewardTerm term = readTerm(i, root.get(i), violations);
			if (term != null) {
				terms.add(term);
			}
		}
		if (!violations.isEmpty()) {
			throw new InvalidRewardConfigException(violations);
		}
		return terms;
	}

	private static @Nullable RewardTerm readTerm(int i, JsonNode node, List<ConfigViolation> out) {
		if (!(node instanceof ObjectNode obj)) {
			out.add(new ConfigViolation(i, "", "must be an object, got " + node.getNodeType().name().toLowerCase(Locale.ROOT)));
			return null;
		}
		int before = out.size();
		obj.fieldNames().forEachRemaining((f) -> {
			if (!FIELDS.contains(f)) {
				out.add(new ConfigViolation(i, f, "unknown field; allowed: function, weight, params"));
			}
		});
		JsonNode fn = obj.get("function");
		if (fn == null || !fn.isTextual() || fn.asText().isBlank()) {
			out.add(new ConfigViolation(i, "function", "is required and must be a non-empty string"));
		}
		JsonNode w = obj.get("weight");
		if (w != null && !w.isNumber()) {
			out.add(new ConfigViolation(i, "weight", "must be a number, got " + w));
		}
		Map<String, Object> params = readParams(i, obj.get("params"), out);
		if (out.size() > before) {
			return null;
		}
		return new RewardTerm(fn.asText(), (w == null) ? 1.0 : w.doubleValue(), params);
	}

	private static Map<String, Object> readParams(int i, @Nullable JsonNode node, List<ConfigViolation> out) {
		Map<String, Object> params = new LinkedHashMap<>();
		if (node == null || node.isNull()) {
			return params;
		}
		if (!node.isObject()) {
			out.add(new ConfigViolation(i, "params", "must be an object of name → value"));
			return params;
		}
		node.fields().forEachRemaining((e) -> {
			JsonNode v = e.getValue();
			if (v.isIntegralNumber() && v.canConvertToLong()) {
				params.put(e.getKey(), v.canConvertToInt() ? (Object) v.intValue() : (Object) v.longValue());
			}
			else if (v.isNumber()) {
				params.put(e.getKey(), v.doubleValue());
			}
			else if (v.isBoolean()) {
				params.put(e.getKey(), v.booleanValue());
			}
			else if (v.isTextual()) {
				params.put(e.getKey(), v.textValue());
			}
			else {
				out.add(new ConfigViolation(i, "params." + e.getKey(),
						"must be a number, boolean or string, got " + v.getNodeType().name().toLowerCase(Locale.ROOT)));
			}
		});
		return params;
	}

	private static InvalidRewardConfigException fail(int index, String field, String message) {
		return new InvalidRewardConfigException(List.of(new ConfigViolation(index, field, message)));
	}

}
