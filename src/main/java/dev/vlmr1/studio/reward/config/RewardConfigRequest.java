package dev.vlmr1.studio.reward.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;

import dev.vlmr1.studio.reward.ConfigViolation;
import dev.vlmr1.studio.reward.InvalidRewardConfigException;
import dev.vlmr1.studio.reward.RewardConfigParser;
import dev.vlmr1.studio.reward.RewardRegistry;
import dev.vlmr1.studio.reward.RewardTerm;
import dev.vlmr1.studio.web.ApiProblem;

/**
 * A create/update request ({@code {name, description?, terms: [...]}}) checked as a whole: the name and
 * every term's structure, function, weight and parameters, all violations at once.
 */
record RewardConfigRequest(String name, String description, List<Map<String, Object>> terms) {

	static final int MAX_NAME = 200;

	/**
	 * @throws ApiProblem 400 {@code reward-config-invalid} with {@code errors: [{index, field, message}]}
	 */
	static RewardConfigRequest parse(Map<String, Object> body, JsonMapper json) {
		List<ConfigViolation> errors = new ArrayList<>();
		for (String key : body.keySet()) {
			if (!List.of("name", "description", "terms").contains(key)) {
				errors.add(new ConfigViolation(-1, key, "unknown field; allowed: name, description, terms"));
			}
		}
		Object name = body.get("name");
		if (!(name instanceof String s) || s.isBlank()) {
			errors.add(new ConfigViolation(-1, "name", "is required and must be a non-empty string"));
		}
		else if (s.length() > MAX_NAME) {
			errors.add(new ConfigViolation(-1, "name", "must be at most " + MAX_NAME + " characters"));
		}
		Object description = body.getOrDefault("description", "");
		if (!(description instanceof String)) {
			errors.add(new ConfigViolation(-1, "description", "must be a string"));
		}
		List<Map<String, Object>> terms = List.of();
		Object rawTerms = body.get("terms");
		if (rawTerms == null) {
			errors.add(new ConfigViolation(-1, "terms", "is required: a list of {function, weight, params}"));
		}
		else {
			try {
				List<RewardTerm> parsed = RewardConfigParser.parse(json.writeValueAsString(rawTerms));
				errors.addAll(RewardRegistry.standard().validate(parsed));
				terms = parsed.stream().map(RewardConfigRequest::toJson).toList();
			}
			catch (InvalidRewardConfigException ex) {
				errors.addAll(ex.violations());
			}
		}
		if (!errors.isEmpty()) {
			throw invalid(errors);
		}
		return new RewardConfigRequest(((String) name).strip(), (String) description, terms);
	}

	static ApiProblem invalid(List<ConfigViolation> errors) {
		List<Map<String, Object>> list = errors.stream().map(v -> {
			Map<String, Object> e = new LinkedHashMap<>();
			e.put("index", v.index());
			e.put("field", v.field());
			e.put("message", v.message());
			return e;
		}).toList();
		return new ApiProblem(HttpStatus.BAD_REQUEST, "reward-config-invalid", "Invalid reward configuration",
				errors.size() + " problem(s) in the reward configuration")
			.with("errors", list);
	}

	private static Map<String, Object> toJson(RewardTerm term) {
		Map<String, Object> out = new LinkedHashMap<>();
		out.put("function", term.function());
		out.put("weight", term.weight());
		out.put("params", new java.util.TreeMap<>(term.params()));
		return out;
	}

	/** Stored terms back to library terms (they were validated when stored). */
	static List<RewardTerm> toTerms(List<Map<String, Object>> stored, JsonMapper json) {
		return RewardConfigParser.parse(json.writeValueAsString(stored));
	}

}
