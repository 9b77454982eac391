package dev.vlmr1.studio.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import dev.vlmr1.studio.train.Setting;
import dev.vlmr1.studio.web.ApiProblem;

/**
 * Turns the new-run form into the same JSON body a REST client sends, so the page and the API share one
 * validation. Text that does not parse as the expected JSON type is passed on as a string, and the
 * validation then says what was expected.
 */
final class RunForm {

	private RunForm() {
	}

	static Map<String, Object> toBody(Map<String, String> form, JsonMapper json) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", form.getOrDefault("type", ""));
		putIfPresent(body, "modelId", form.get("modelId"), json);
		List<Object> datasets = new ArrayList<>();
		for (String part : form.getOrDefault("datasetIds", "").split("[,\\s]+")) {
			if (!part.isBlank()) {
				datasets.add(scalar(part, json));
			}
		}
		body.put("datasetIds", datasets);
		putIfPresent(body, "evalDatasetId", form.get("evalDatasetId"), json);
		putIfPresent(body, "rewardConfigId", form.get("rewardConfigId"), json);
		putIfPresent(body, "maxAttempts", form.get("maxAttempts"), json);
		Map<String, Object> hp = new LinkedHashMap<>();
		for (Setting h : Hyperparameters.SPEC) {
			String value = form.get("hp." + h.name());
			if (value == null || value.isBlank()) {
				continue;
			}
			hp.put(h.name(), h.kind() == Setting.Kind.CHOICE ? value.strip() : scalar(value, json));
		}
		body.put("hyperparameters", hp);
		return body;
	}

	/** "field: message" lines for the page. */
	@SuppressWarnings("unchecked")
	static List<String> messages(ApiProblem problem) {
		Map<String, Object> properties = problem.toProblemDetail().getProperties();
		Object errors = properties == null ? null : properties.get("errors");
		if (!(errors instanceof List<?> list)) {
			return List.of(String.valueOf(problem.getMessage()));
		}
		return list.stream().map(e -> e instanceof FieldError f ? f.field() + ": " + f.message() : String.valueOf(e))
			.toList();
	}

	private static void putIfPresent(Map<String, Object> body, String name, String value, JsonMapper json) {
		if (value != null && !value.isBlank()) {
			body.put(name, scalar(value, json));
		}
	}

	private static Object scalar(String text, JsonMapper json) {
		try {
			Object value = json.readValue(text.strip(), Object.class);
			return value == null ? text : value;
		}
		catch (JacksonException ex) {
			return text.strip();
		}
	}

}
