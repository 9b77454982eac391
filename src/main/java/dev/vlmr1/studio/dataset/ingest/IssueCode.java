package dev.vlmr1.studio.dataset.ingest;

/** The stable codes of {@link Issue}; clients may rely on the slugs. */
public enum IssueCode {

	// line syntax (T3.7)
	INVALID_UTF8, LINE_TOO_LONG, INVALID_JSON, DUPLICATE_KEY, NESTING_TOO_DEEP, NUMBER_TOO_LONG, NOT_AN_OBJECT,
	// row schema (DATA.md)
	MISSING_FIELD, WRONG_TYPE, BAD_CONVERSATION, IMAGE_MARKER_MISMATCH, INVALID_BOX, BOX_OUTSIDE_IMAGE,
	UNKNOWN_REWARD_METHOD, DUPLICATE_ID,
	// image references and images (T3.5, T3.6, T3.8)
	UNSAFE_PATH, IMAGE_MISSING, NOT_AN_IMAGE, IMAGE_CORRUPT, TOO_MANY_PIXELS, IMAGE_TOO_SMALL, IMAGE_TOO_LARGE,
	// whole files, archives and folders (line 0: fatal)
	EMPTY_FILE, TOO_MANY_LINES, ARCHIVE_UNSAFE_ENTRY, ARCHIVE_TOO_LARGE, ARCHIVE_TOO_MANY_ENTRIES, ARCHIVE_RATIO,
	ARCHIVE_CORRUPT, FOLDER_NOT_ALLOWED, BAD_UPLOAD, TOO_MANY_INVALID;

	/** The code as it appears in reports, e.g. {@code too_many_pixels}. */
	public String slug() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
