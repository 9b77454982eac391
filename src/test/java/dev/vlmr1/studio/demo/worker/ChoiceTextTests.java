package dev.vlmr1.studio.demo.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A choice's text as its tokens arrive: cut before the first stop string, and streamed so that a client never
 * sees text that later turns out to belong to a stop string or to an incomplete character.
 */
class ChoiceTextTests {

	/** Token i decodes to PIECES[i]; a lone 9 is half a character (decoders show U+FFFD), 9 then 10 is "é". */
	static final String[] PIECES = { "Hello", " wor", "ld", "\n", "END", "E", "ND", " more", "", "", "" };

	static final Function<long[], String> DECODE = (ids) -> {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < ids.length; i++) {
			if (ids[i] == 9) {
				boolean completed = i + 1 < ids.length && ids[i + 1] == 10;
				text.append(completed ? "é" : "\uFFFD");
				i += completed ? 1 : 0;
			}
			else {
				text.append(PIECES[(int) ids[i]]);
			}
		}
		return text.toString();
	};

	@Test
	void withoutStopStringsEveryTokenIsSentAsItComes() {
		ChoiceText text = new ChoiceText(DECODE, List.of());
		List<String> sent = new ArrayList<>();
		for (long token : new long[] { 0, 1, 2 }) {
			assertThat(text.add(token)).isFalse();
			sent.add(text.takeSettled());
		}
		assertThat(sent).containsExactly("Hello", " wor", "ld");
		assertThat(text.takeRest()).isEmpty();
		assertThat(text.text()).isEqualTo("Hello world");
		assertThat(text.stopped()).isFalse();
	}

	@Test
	void aStopStringEndsTheChoiceAndIsCutOffWithWhatFollows() {
		ChoiceText text = new ChoiceText(DECODE, List.of("END", "\n\n"));
		assertThat(text.add(0)).isFalse();
		assertThat(text.add(1)).isFalse();
		assertThat(text.add(4)).as("END completes a stop string").isTrue();
		assertThat(text.text()).isEqualTo("Hello wor");
		assertThat(text.stopped()).isTrue();
	}

	@Test
	void textThatMightStartAStopStringIsHeldBackUntilItIsSettled() {
		ChoiceText text = new ChoiceText(DECODE, List.of("END"));
		text.add(0);
		assertThat(text.takeSettled()).isEqualTo("Hello");
		text.add(5); // "E" may start "END"
		assertThat(text.takeSettled()).isEmpty();
		text.add(7); // " more": it did not
		assertThat(text.takeSettled()).isEqualTo("E more");
		text.add(5);
		assertThat(text.takeSettled()).isEmpty();
		assertThat(text.add(6)).as("E + ND across two tokens").isTrue();
		assertThat(text.takeSettled()).isEmpty();
		assertThat(text.text()).isEqualTo("HelloE more");
	}

	@Test
	void heldBackTextIsSentWhenTheChoiceEndsOtherwise() {
		ChoiceText text = new ChoiceText(DECODE, List.of("END"));
		text.add(0);
		text.add(5);
		assertThat(text.takeSettled()).isEqualTo("Hello");
		assertThat(text.takeRest()).isEqualTo("E");
		assertThat(text.text()).isEqualTo("HelloE");
	}

	@Test
	void anIncompleteCharacterWaitsForTheTokenThatCompletesIt() {
		ChoiceText text = new ChoiceText(DECODE, List.of());
		text.add(0);
		text.takeSettled();
		text.add(9);
		assertThat(text.takeSettled()).isEmpty();
		text.add(10);
		assertThat(text.takeSettled()).isEqualTo("é");
	}

}
