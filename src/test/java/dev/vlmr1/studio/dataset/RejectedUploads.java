package dev.vlmr1.studio.dataset;

import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions over the report of a rejected upload. */
final class RejectedUploads {

	private RejectedUploads() {
	}

	static List<Map<String, Object>> report(String problemJson) {
		return JsonPath.read(problemJson, "$.report");
	}

	/** Asserts that the report holds exactly one issue for file:line, with this field and code and a message. */
	static Map<String, Object> assertIssue(List<Map<String, Object>> report, String file, int line, String field,
			String code) {
		List<Map<String, Object>> atLine = report.stream()
			.filter((i) -> file.equals(i.get("file")) && Integer.valueOf(line).equals(i.get("line")))
			.toList();
		assertThat(atLine).as("issues at %s:%d in %s", file, line, report).hasSize(1);
		Map<String, Object> issue = atLine.get(0);
		assertThat(issue.get("field")).as("field at line %d", line).isEqualTo(field);
		assertThat(issue.get("code")).as("code at line %d: %s", line, issue).isEqualTo(code);
		assertThat((String) issue.get("message")).isNotBlank();
		return issue;
	}

}
