package dev.vlmr1.studio.executor;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The last lines of a worker's output, kept with a failed attempt so that its reason can be read without
 * the machine it ran on. Thread-safe: a process reader appends while the dispatcher reads.
 */
final class LogTail {

	static final int DEFAULT_LINES = 200;

	private static final int MAX_LINE_CHARS = 2000;

	private final int capacity;

	private final Deque<String> lines = new ArrayDeque<>();

	LogTail(int capacity) {
		if (capacity < 1) {
			throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
		}
		this.capacity = capacity;
	}

	synchronized void add(String line) {
		if (lines.size() == capacity) {
			lines.removeFirst();
		}
		// one runaway line (a tensor dump) must not blow the row up
		lines.addLast(line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + "…" : line);
	}

	synchronized String text() {
		return String.join("\n", lines);
	}

	synchronized int size() {
		return lines.size();
	}

}
