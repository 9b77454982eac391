package dev.vlmr1.studio.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * T4.2 lint: every Thymeleaf form that posts uses {@code th:action}, because only then does Spring Security's
 * request data processor add the hidden {@code _csrf} field; a plain {@code action} would post without it (403).
 */
class TemplateFormLintTests {

	private static final Path TEMPLATES = Path.of("src/main/resources/templates");

	private static final Pattern FORM_TAG = Pattern.compile("<form\\b[^>]*>", Pattern.CASE_INSENSITIVE);

	private static final Pattern POST = Pattern.compile("\\b(th:)?method\\s*=\\s*[\"']post[\"']",
			Pattern.CASE_INSENSITIVE);

	private static final Pattern TH_ACTION = Pattern.compile("\\bth:action\\s*=", Pattern.CASE_INSENSITIVE);

	@Test
	void everyPostFormUsesThAction() throws IOException {
		List<String> offenders = new ArrayList<>();
		int postForms = 0;
		try (Stream<Path> files = Files.walk(TEMPLATES)) {
			for (Path file : files.filter(f -> f.toString().endsWith(".html")).toList()) {
				Matcher form = FORM_TAG.matcher(Files.readString(file));
				while (form.find()) {
					if (POST.matcher(form.group()).find()) {
						postForms++;
						if (!TH_ACTION.matcher(form.group()).find()) {
							offenders.add(TEMPLATES.relativize(file) + ": " + form.group());
						}
					}
				}
			}
		}
		assertThat(postForms).as("the lint found the login and logout forms at least").isGreaterThanOrEqualTo(2);
		assertThat(offenders).as("POST forms without th:action (no CSRF token)").isEmpty();
	}

	@Test
	void theLintRecognisesAnOffendingForm() {
		String bad = "<form action=\"/x\" method=\"POST\">";
		Matcher form = FORM_TAG.matcher(bad);
		assertThat(form.find()).isTrue();
		assertThat(POST.matcher(form.group()).find()).isTrue();
		assertThat(TH_ACTION.matcher(form.group()).find()).isFalse();
	}

}
