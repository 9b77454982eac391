package dev.vlmr1.studio.reward;

/**
 * One problem found in a reward configuration.
 *
 * @param index position of the term in the configuration (0-based), or -1 for the configuration as a whole
 * @param field {@code function}, {@code weight}, {@code params.<name>}, or {@code ""} for the whole term
 * @param message what is wrong, for a person to read
 */
public record ConfigViolation(int index, String field, String message) {

	@Override
	public String toString() {
		return (index < 0 ? "configuration" : "[" + index + "]") + (field.isEmpty() ? "" : "." + field) + ": "
				+ message;
	}

}
