package dev.vlmr1.studio.model;

/**
 * One turn of a Qwen-VL conversation: who speaks, the text, and how many images the turn carries.
 *
 * <p>Images are placed where the text has {@code <image>} markers; a text without markers gets its images before
 * the text, as VLM-R1 builds its prompts ({@code [image, …, text]} content lists).
 *
 * @param role who speaks
 * @param text the turn's text, possibly with {@code <image>} markers
 * @param imageCount images attached to this turn, in order
 */
public record ChatMessage(Role role, String text, int imageCount) {

	/** The chat roles of the Qwen template. */
	public enum Role {

		SYSTEM("system"), USER("user"), ASSISTANT("assistant");

		private final String label;

		Role(String label) {
			this.label = label;
		}

		/** The name written after {@code <|im_start|>}. */
		public String label() {
			return label;
		}

	}

	public ChatMessage {
		if (imageCount < 0) {
			throw new IllegalArgumentException("imageCount must not be negative, got " + imageCount);
		}
	}

	public static ChatMessage system(String text) {
		return new ChatMessage(Role.SYSTEM, text, 0);
	}

	public static ChatMessage user(String text) {
		return new ChatMessage(Role.USER, text, 0);
	}

	public static ChatMessage user(String text, int imageCount) {
		return new ChatMessage(Role.USER, text, imageCount);
	}

	public static ChatMessage assistant(String text) {
		return new ChatMessage(Role.ASSISTANT, text, 0);
	}

}
