package dev.vlmr1.studio.executor;

import java.util.Locale;

/**
 * What a {@link FakeTrainer} does, including the faults reliability tests inject. Parsed from
 * {@code "steps=60,checkpointEvery=10,pauseAtStep=37,faultAttempt=1"} (the run's {@code fake_trainer}
 * hyperparameter, or the worker's {@code studio.executor.fake} setting).
 *
 * @param steps total steps
 * @param checkpointEvery checkpoint interval in steps
 * @param stepMillis simulated compute per step
 * @param faultAttempt the only attempt the faults below apply to; 0 for every attempt
 * @param pauseAtStep after reporting this step, stop advancing forever (heartbeats go on): hung but alive
 * @param failAtStep fail with {@code failKind} before this step (1 = at start)
 * @param failKind the classified failure to throw ({@code OOM} throws a real {@link OutOfMemoryError})
 * @param exitAtStep halt the JVM with {@code exitCode} before this step (worker processes only)
 * @param exitCode the exit code for {@code exitAtStep}
 * @param tornAtStep write part of this step's checkpoint, then stop advancing (killed mid-write)
 */
public record FakeTrainerSpec(int steps, int checkpointEvery, long stepMillis, int faultAttempt, int pauseAtStep,
		int failAtStep, FailureKind failKind, int exitAtStep, int exitCode, int tornAtStep) {

	public static final FakeTrainerSpec DEFAULT = new FakeTrainerSpec(50, 10, 20, 0, 0, 0, FailureKind.ERROR, 0, 1, 0);

	public FakeTrainerSpec {
		if (steps < 0 || checkpointEvery < 1 || stepMillis < 0) {
			throw new IllegalArgumentException("need steps >= 0, checkpointEvery >= 1, stepMillis >= 0");
		}
	}

	/** Parses {@code key=value} pairs separated by commas over {@link #DEFAULT}; blank gives the default. */
	public static FakeTrainerSpec parse(String text) {
		FakeTrainerSpec s = DEFAULT;
		for (String pair : text.split(",")) {
			if (pair.isBlank()) {
				continue;
			}
			String[] kv = pair.split("=", 2);
			if (kv.length != 2) {
				throw new IllegalArgumentException("fake trainer setting '" + pair + "' is not key=value");
			}
			String key = kv[0].trim();
			String value = kv[1].trim();
			try {
				s = with(s, key, value);
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("fake trainer setting " + key + " needs a number, got '" + value + "'");
			}
		}
		return s;
	}

	private static FakeTrainerSpec with(FakeTrainerSpec s, String key, String v) {
		return switch (key) {
			case "steps" -> new FakeTrainerSpec(Integer.parseInt(v), s.checkpointEvery, s.stepMillis, s.faultAttempt,
					s.pauseAtStep, s.failAtStep, s.failKind, s.exitAtStep, s.exitCode, s.tornAtStep);
			case "checkpointEvery" -> new FakeTrainerSpec(s.steps, Integer.parseInt(v), s.stepMillis, s.faultAttempt,
					s.pauseAtStep, s.failAtStep, s.failKind, s.exitAtStep, s.exitCode, s.tornAtStep);
			case "stepMillis" -> new FakeTrainerSpec(s.steps, s.checkpointEvery, Long.parseLong(v), s.faultAttempt,
					s.pauseAtStep, s.failAtStep, s.failKind, s.exitAtStep, s.exitCode, s.tornAtStep);
			case "faultAttempt" -> new FakeTrainerSpec(s.steps, s.checkpointEvery, s.stepMillis, Integer.parseInt(v),
					s.pauseAtStep, s.failAtStep, s.failKind, s.exitAtStep, s.exitCode, s.tornAtStep);
			case "pauseAtStep" -> new FakeTrainerSpec(s.steps, s.checkpointEvery, s.stepMillis, s.faultAttempt,
					Integer.parseInt(v), s.failAtStep, s.failKind, s.exitAtStep, s.exitCode, s.tornAtStep);
			case "failAtStep" -> new FakeTrainerSpec(s.steps, s.checkpointEvery, s.stepMillis, s.faultAttempt,
					s.pauseAtStep, Integer.parseInt(v), s.failKind, s.exitAtStep, s.exitCode, s.tornAtStep);
			case "failKind" -> new FakeTrainerSpec(s.steps, s.checkpointEvery, s.stepMillis, s.faultAttempt,
					s.pauseAtStep, s.failAtStep, FailureKind.valueOf(v.toUpperCase(Locale.ROOT)), s.exitAtStep,
					s.exitCode, s.tornAtStep);
			case "exitAtStep" -> new FakeTrainerSpec(s.steps, s.checkpointEvery, s.stepMillis, s.faultAttempt,
					s.pauseAtStep, s.failAtStep, s.failKind, Integer.parseInt(v), s.exitCode, s.tornAtStep);
			case "exitCode" -> new FakeTrainerSpec(s.steps, s.checkpointEvery, s.stepMillis, s.faultAttempt,
					s.pauseAtStep, s.failAtStep, s.failKind, s.exitAtStep, Integer.parseInt(v), s.tornAtStep);
			case "tornAtStep" -> new FakeTrainerSpec(s.steps, s.checkpointEvery, s.stepMillis, s.faultAttempt,
					s.pauseAtStep, s.failAtStep, s.failKind, s.exitAtStep, s.exitCode, Integer.parseInt(v));
			default -> throw new IllegalArgumentException("unknown fake trainer setting '" + key + "'");
		};
	}

	boolean faultsOn(int attempt) {
		return faultAttempt == 0 || faultAttempt == attempt;
	}

}
