package dev.vlmr1.studio.executor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A deterministic CPU stand-in for the real trainer that speaks the {@link TrainingJob} protocol exactly:
 * a one-number "model" {@code w} follows a fixed recurrence, each step reports {@code loss} and
 * {@code reward_mean}, and every {@code checkpointEvery} steps it writes real files ({@code weights.bin},
 * {@code optimizer.pt}, {@code trainer_state.json}) and commits them. A resume from checkpoint k therefore
 * reproduces the uninterrupted run's metrics bit for bit ({@link #expectedLoss}), which is what the
 * reliability tests check. Faults (hang, failure, exit code, torn checkpoint) come from its
 * {@link FakeTrainerSpec}.
 */
public final class FakeTrainer implements TrainingJob {

	private final FakeTrainerSpec spec;

	public FakeTrainer(FakeTrainerSpec spec) {
		this.spec = spec;
	}

	@Override
	public void train(TrainingSession session) throws Exception {
		boolean faults = spec.faultsOn(session.attempt());
		int step = session.startStep();
		double w = session.resumeDir() == null ? initialWeight() : readWeight(session.resumeDir(), step);
		session.declareTotalSteps(spec.steps());
		session.log("fake trainer: attempt " + session.attempt() + " starts after step " + step + " of " + spec.steps());
		while (step < spec.steps() && !session.stopRequested()) {
			int next = step + 1;
			if (faults && spec.failAtStep() == next) {
				fail(spec.failKind(), next);
			}
			if (faults && spec.exitAtStep() == next) {
				session.log("fake trainer: exiting with code " + spec.exitCode() + " at step " + next);
				System.out.flush();
				Runtime.getRuntime().halt(spec.exitCode());
			}
			if (spec.stepMillis() > 0) {
				Thread.sleep(spec.stepMillis());
			}
			w = update(w, next);
			step = next;
			session.reportStep(step, metrics(w, step));
			if (step % spec.checkpointEvery() == 0 || step == spec.steps()) {
				writeCheckpoint(session, step, w, faults && spec.tornAtStep() == step);
			}
			if (faults && spec.pauseAtStep() == step) {
				hang(session, "paused after step " + step);
			}
		}
		if (session.preemptRequested() && step % spec.checkpointEvery() != 0 && step < spec.steps()) {
			writeCheckpoint(session, step, w, false);
		}
	}

	/** The loss the uninterrupted run reports at {@code step}. */
	public static double expectedLoss(int step) {
		double w = initialWeight();
		for (int s = 1; s <= step; s++) {
			w = update(w, s);
		}
		return loss(w);
	}

	private static double initialWeight() {
		return 2.0;
	}

	private static double update(double w, int step) {
		return 0.9 * w + 0.05 * Math.sin(step);
	}

	private static double loss(double w) {
		return w * w;
	}

	private static Map<String, Double> metrics(double w, int step) {
		Map<String, Double> values = new LinkedHashMap<>();
		values.put("loss", loss(w));
		values.put("reward_mean", 1.0 / (1.0 + loss(w)));
		values.put("learning_rate", 1e-5);
		return values;
	}

	private void writeCheckpoint(TrainingSession session, int step, double w, boolean torn) throws IOException {
		Path dir = session.newCheckpointDir(step);
		Files.write(dir.resolve("weights.bin"), ByteBuffer.allocate(8).putDouble(w).array());
		Files.write(dir.resolve("optimizer.pt"), new byte[4096]);
		if (torn) {
			// killed between optimizer.pt and the rest: no trainer_state.json, no COMMITTED marker
			hang(session, "torn checkpoint at step " + step);
		}
		Files.writeString(dir.resolve("trainer_state.json"), "{\"global_step\": " + step + "}", StandardCharsets.UTF_8);
		session.commitCheckpoint(step, dir);
	}

	private static double readWeight(Path dir, int step) throws IOException {
		String state = Files.readString(dir.resolve("trainer_state.json"), StandardCharsets.UTF_8);
		if (!state.contains("\"global_step\": " + step + "}")) {
			throw new TrainingFailure(FailureKind.SETUP, "checkpoint " + dir + " is not of step " + step + ": " + state);
		}
		return ByteBuffer.wrap(Files.readAllBytes(dir.resolve("weights.bin"))).getDouble();
	}

	private static void fail(FailureKind kind, int step) {
		if (kind == FailureKind.OOM) {
			throw new OutOfMemoryError("Java heap space (fake trainer, step " + step + ")");
		}
		throw new TrainingFailure(kind, "fake trainer failure " + kind + " at step " + step);
	}

	/** Stops advancing but stays alive (the heartbeat thread goes on) until the process is killed. */
	private static void hang(TrainingSession session, String why) {
		session.log("fake trainer: " + why + ", hanging");
		while (true) {
			LockSupport.parkNanos(50_000_000L);
			if (Thread.currentThread().isInterrupted()) {
				throw new IllegalStateException("fake trainer interrupted while hanging: " + why);
			}
		}
	}

}
