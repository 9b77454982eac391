package dev.vlmr1.studio.web;

/**
 * A page of a list: its number (from 0) and size, and the row offset it starts at. The offset is a {@code long}
 * computed without overflow: {@code page * size} in {@code int} arithmetic wraps to a negative number for a large
 * page, which PostgreSQL refuses ("OFFSET must not be negative"), a 500 instead of an empty page.
 */
public record PageWindow(int page, int size) {

	/** The page as asked for, or a 400 {@code page-invalid} problem when it lies outside the allowed range. */
	public static PageWindow of(int page, int size, int maxSize) {
		if (page < 0 || size < 1 || size > maxSize) {
			throw ApiProblem.badRequest("page-invalid", "page must be ≥ 0 and size in [1, " + maxSize + "]")
				.with("page", page)
				.with("size", size);
		}
		return new PageWindow(page, size);
	}

	/** The page as asked for with out-of-range values pulled into range (pages of HTML lists). */
	public static PageWindow clamped(int page, int size, int maxSize) {
		return new PageWindow(Math.max(0, page), Math.max(1, Math.min(size, maxSize)));
	}

	/** The index of the page's first row. */
	public long offset() {
		return (long) page * size;
	}

	/** Whether rows remain after this page, out of {@code total}. */
	public boolean hasMoreThan(long total) {
		return total > offset() + size;
	}

}
