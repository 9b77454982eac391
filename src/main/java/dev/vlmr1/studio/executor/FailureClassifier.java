package dev.vlmr1.studio.executor;

import java.util.Locale;
import java.util.Set;

/**
 * Maps what ended an attempt (an exception in the worker, or a worker process's exit code and log tail) to
 * a {@link FailureKind}.
 */
final class FailureClassifier {

	/** Exit code of a JVM started with {@code -XX:+ExitOnOutOfMemoryError}. */
	static final int JVM_OOM_EXIT = 3;

	/** 128 + SIGKILL: the process was killed (by the kernel's OOM killer, a person, or the dispatcher). */
	static final int SIGKILL_EXIT = 137;

	private final Set<Integer> fatalExitCodes;

	FailureClassifier(Set<Integer> fatalExitCodes) {
		this.fatalExitCodes = Set.copyOf(fatalExitCodes);
	}

	/** Classifies an exception thrown by a training job inside the worker. */
	FailureKind classify(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof TrainingFailure known) {
				return known.kind();
			}
			if (t instanceof OutOfMemoryError || mentionsOutOfMemory(t.getMessage())) {
				return FailureKind.OOM;
			}
		}
		return FailureKind.ERROR;
	}

	/** Classifies a worker process that exited without recording its own outcome. */
	FailureKind classifyExit(int exitCode, String logTail) {
		if (exitCode == JVM_OOM_EXIT || mentionsOutOfMemory(logTail)) {
			return FailureKind.OOM;
		}
		if (fatalExitCodes.contains(exitCode)) {
			return FailureKind.FATAL_EXIT;
		}
		if (exitCode == SIGKILL_EXIT) {
			return FailureKind.WORKER_LOST;
		}
		return FailureKind.ERROR;
	}

	private static boolean mentionsOutOfMemory(String text) {
		if (text == null) {
			return false;
		}
		String lower = text.toLowerCase(Locale.ROOT);
		return lower.contains("outofmemoryerror") || lower.contains("out of memory");
	}

}
