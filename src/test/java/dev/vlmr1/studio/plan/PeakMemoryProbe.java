package dev.vlmr1.studio.plan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import dev.vlmr1.studio.reward.RewardScorers;
import dev.vlmr1.studio.train.TrainCommand;

/**
 * A worker-like process for {@link MemoryPlanMeasurementTests}: trains with {@code train grpo|sft …} (the arguments
 * as given), then prints the process's peak resident memory ({@code VmHWM} of {@code /proc/self/status}), so the
 * measurement sees one run in a fresh JVM, as a worker does.
 */
public final class PeakMemoryProbe {

	static final String PEAK = "peak-rss-bytes=";

	static final String STEP_MS = "mean-step-ms-after-first=";

	private PeakMemoryProbe() {
	}

	public static void main(String[] args) throws IOException {
		// the trainer prints one progress line per step: their times give the step time, the first (warm-up) left out
		java.util.List<Long> stepEnds = new java.util.ArrayList<>();
		java.io.PrintStream out = System.out;
		System.setOut(new java.io.PrintStream(out, true) {
			@Override
			public void println(String line) {
				if (line != null && line.startsWith("[")) {
					stepEnds.add(System.nanoTime());
				}
				super.println(line);
			}
		});
		int code = TrainCommand.run(args, RewardScorers::fromJson);
		if (stepEnds.size() >= 2) {
			double millis = (stepEnds.get(stepEnds.size() - 1) - stepEnds.get(0)) / 1e6 / (stepEnds.size() - 1);
			System.out.println(STEP_MS + millis);
		}
		System.out.println(PEAK + peakResidentBytes());
		System.out.flush();
		System.exit(code);
	}

	/** {@code VmHWM}: the most resident memory this process had at any time. */
	static long peakResidentBytes() throws IOException {
		return status("VmHWM:");
	}

	/** {@code VmRSS}: the resident memory now. */
	static long residentBytes() throws IOException {
		return status("VmRSS:");
	}

	private static long status(String field) throws IOException {
		return Files.readAllLines(Path.of("/proc/self/status"))
			.stream()
			.filter((l) -> l.startsWith(field))
			.map((l) -> Arrays.stream(l.substring(field.length()).trim().split("\\s+")).findFirst().orElseThrow())
			.mapToLong((kb) -> Long.parseLong(kb) * 1024)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("no " + field + " in /proc/self/status"));
	}

}
