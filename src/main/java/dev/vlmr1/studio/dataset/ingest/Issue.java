package dev.vlmr1.studio.dataset.ingest;

/**
 * One problem found in an upload.
 *
 * @param file the jsonl file (or upload part, e.g. {@code archive[0]}) it was found in
 * @param line the 1-based physical line; 0 for problems of a whole file, archive or folder, which reject the
 * upload in every mode
 * @param field the JSON field ({@code image}, {@code conversations[1].value}, …) or the archive entry; empty
 * when the whole line is concerned
 * @param code a stable machine-readable code, see {@link IssueCode}
 * @param message what is wrong, for people
 */
public record Issue(String file, int line, String field, String code, String message) {

	public static Issue of(String file, int line, String field, IssueCode code, String message) {
		return new Issue(file, line, field, code.slug(), message);
	}

	/** Whether this problem rejects the whole upload even in {@code skip_invalid} mode. */
	public boolean fatal() {
		return line == 0;
	}

}
