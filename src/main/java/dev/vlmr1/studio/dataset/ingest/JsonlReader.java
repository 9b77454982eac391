package dev.vlmr1.studio.dataset.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a jsonl file into lines without ever holding more than one line (at most {@code maxLineBytes}) in
 * memory, so a 1 GiB file parses in constant heap.
 *
 * <p>Decided behaviours (T3.7): a UTF-8 BOM at the start of the file is skipped; CRLF and LF both end a line;
 * blank lines are skipped but still counted, so line numbers are the ones an editor shows; a missing final
 * newline is fine; an over-long line or a line that is not valid UTF-8 is reported and skipped; more than
 * {@code maxLines} lines rejects the whole file.
 */
final class JsonlReader {

	/** Receives each non-blank, valid UTF-8 line; {@code bytes} is reused after the call returns. */
	interface LineConsumer {

		void line(int lineNumber, byte[] bytes, int length);

	}

	private JsonlReader() {
	}

	/** Reads {@code file}, reporting into {@code issues}; returns the number of physical lines. */
	static int read(Path file, String fileName, IngestLimits limits, List<Issue> issues, LineConsumer consumer) {
		byte[] chunk = new byte[1 << 16];
		byte[] line = new byte[4096];
		int length = 0;
		boolean tooLong = false;
		int lineNumber = 0;
		int contentLines = 0;
		boolean atStart = true;
		try (InputStream in = Files.newInputStream(file)) {
			int n;
			boolean sawAny = false;
			while ((n = in.read(chunk)) > 0) {
				sawAny = true;
				int start = 0;
				if (atStart) {
					atStart = false;
					if (n >= 3 && (chunk[0] & 0xff) == 0xEF && (chunk[1] & 0xff) == 0xBB && (chunk[2] & 0xff) == 0xBF) {
						start = 3;
					}
				}
				for (int i = start; i < n; i++) {
					byte b = chunk[i];
					if (b != '\n') {
						if (length < limits.maxLineBytes() + 1) {
							if (length == line.length) {
								line = Arrays.copyOf(line, Math.min(line.length * 2, limits.maxLineBytes() + 2));
							}
							line[length++] = b;
						}
						else {
							tooLong = true;
						}
						continue;
					}
					lineNumber++;
					if (lineNumber > limits.maxLines()) {
						issues.add(Issue.of(fileName, 0, "", IssueCode.TOO_MANY_LINES,
								"more than " + limits.maxLines() + " lines"));
						return lineNumber;
					}
					contentLines += emit(fileName, lineNumber, line, length, tooLong, limits, issues, consumer);
					length = 0;
					tooLong = false;
				}
			}
			if (length > 0 || tooLong) {
				lineNumber++;
				contentLines += emit(fileName, lineNumber, line, length, tooLong, limits, issues, consumer);
			}
			if (!sawAny || contentLines == 0) {
				issues.add(Issue.of(fileName, 0, "", IssueCode.EMPTY_FILE, "the file holds no jsonl line"));
			}
			return lineNumber;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static int emit(String fileName, int lineNumber, byte[] line, int length, boolean tooLong,
			IngestLimits limits, List<Issue> issues, LineConsumer consumer) {
		if (length > 0 && line[length - 1] == '\r') {
			length--;
		}
		if (tooLong || length > limits.maxLineBytes()) {
			issues.add(Issue.of(fileName, lineNumber, "", IssueCode.LINE_TOO_LONG,
					"line longer than " + limits.maxLineBytes() + " bytes"));
			return 1;
		}
		if (isBlank(line, length)) {
			return 0;
		}
		int bad = Utf8.firstInvalid(line, length);
		if (bad >= 0) {
			issues.add(Issue.of(fileName, lineNumber, "", IssueCode.INVALID_UTF8,
					"invalid UTF-8 at byte " + (bad + 1) + " of the line"));
			return 1;
		}
		consumer.line(lineNumber, line, length);
		return 1;
	}

	private static boolean isBlank(byte[] line, int length) {
		for (int i = 0; i < length; i++) {
			byte b = line[i];
			if (b != ' ' && b != '\t' && b != '\r') {
				return false;
			}
		}
		return true;
	}

}
