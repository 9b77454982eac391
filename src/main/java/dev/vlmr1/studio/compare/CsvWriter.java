package dev.vlmr1.studio.compare;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Writes RFC 4180 CSV that is also safe to open in a spreadsheet (RELIABILITY.md T3.9).
 *
 * <p>Text cells that a spreadsheet would read as a formula (starting with {@code =}, {@code +}, {@code -},
 * {@code @}, TAB or CR) get a leading {@code '}, OWASP's advice, so {@code =HYPERLINK(…)} stays text. Cells
 * holding a comma, a quote or a line break are quoted with inner quotes doubled. Numbers are written by
 * {@link #number} and never prefixed: a negative loss must stay a number, and a {@code double}'s text cannot
 * hold a formula.
 */
final class CsvWriter {

	private static final String FORMULA_STARTS = "=+-@\t\r";

	private final StringBuilder out = new StringBuilder();

	private boolean lineStarted;

	/** Appends a text cell; null is an empty cell. */
	CsvWriter text(@Nullable String value) {
		separate();
		out.append(escape(value));
		return this;
	}

	/** Appends a number cell ({@code NaN} and infinities as Java writes them); null is an empty cell. */
	CsvWriter number(@Nullable Number value) {
		separate();
		if (value != null) {
			out.append(value);
		}
		return this;
	}

	/** Appends a row of text cells and ends it. */
	CsvWriter row(List<String> cells) {
		cells.forEach(this::text);
		return endRow();
	}

	/** Ends the current row with CRLF, as RFC 4180 asks. */
	CsvWriter endRow() {
		out.append("\r\n");
		lineStarted = false;
		return this;
	}

	@Override
	public String toString() {
		return out.toString();
	}

	/** One text cell, neutralised against formula injection and quoted when needed. */
	static String escape(@Nullable String value) {
		if (value == null || value.isEmpty()) {
			return "";
		}
		String cell = FORMULA_STARTS.indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
		boolean quote = cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0
				|| cell.indexOf('\r') >= 0;
		return quote ? '"' + cell.replace("\"", "\"\"") + '"' : cell;
	}

	private void separate() {
		if (lineStarted) {
			out.append(',');
		}
		lineStarted = true;
	}

}
