package dev.vlmr1.studio.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextInputTests {

	@Test
	void controlCharactersOtherThanTabAndLineBreaksAreForbidden() {
		assertThat(TextInput.firstForbidden("a\u0000b")).isEqualTo(1);
		assertThat(TextInput.firstForbidden("\u0007")).isZero();
		assertThat(TextInput.firstForbidden("x\u007f")).isEqualTo(1);
		assertThat(TextInput.firstForbidden("tab\tline\nreturn\r")).isEqualTo(-1);
	}

	@Test
	void anyScriptAndPairedSurrogatesAreText() {
		assertThat(TextInput.firstForbidden("Ελληνικά, русский, 中文, 😀 é")).isEqualTo(-1);
	}

	@Test
	void unpairedSurrogatesAreForbidden() {
		assertThat(TextInput.firstForbidden("a\ud800")).isEqualTo(1);
		assertThat(TextInput.firstForbidden("\udc00a")).isZero();
		assertThat(TextInput.firstForbidden("\ud800\ud800\udc00")).isZero();
	}

	@Test
	void aForbiddenCharacterIsA400ProblemNamingTheField() {
		assertThatThrownBy(() -> TextInput.require("name", "a\u0000")).isInstanceOfSatisfying(ApiProblem.class, p -> {
			assertThat(p.status().value()).isEqualTo(400);
			assertThat(p.toProblemDetail().getProperties()).containsEntry("field", "name");
			assertThat(p.getMessage()).contains("U+0000");
		});
	}

}
