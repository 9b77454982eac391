package dev.vlmr1.studio.reward;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How each reward function's time grows with the completion's length on the adversarial shapes of issue 11: the
 * time on a 1 MiB completion over the time on a 256 KiB one of the same shape. Linear work gives about 4, quadratic
 * about 16; the bound is measured in the same run as the ratio of a plain {@code String.indexOf} scan over the same
 * two texts. Run with {@code mvn -Dskip.frontend test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.vlmr1.studio.reward.RewardLinearityBenchmark}.
 */
public final class RewardLinearityBenchmark {

	private static final String OPEN = "<think>t</think><answer>";

	public static void main(String[] args) {
		Map<String, String> units = new LinkedHashMap<>();
		units.put("repeated <think>", "<think>");
		units.put("repeated <answer>", "<answer>");
		units.put("unclosed braces", OPEN + "{");
		units.put("open int boxes", OPEN + "{[1, 2, 3");
		units.put("fences", OPEN + "```json");
		units.put("combining marks", OPEN + " \u0301\u0301\u0301");
		units.put("words", "yes no maybe ");
		SampleImage image = new SampleImage(1000, 500, 1, 20, 40);
		double worst = 0;
		String worstCase = "";
		for (RewardFunctionSpec spec : RewardRegistry.standard().functions()) {
			RewardFunction f = RewardRegistry.standard().create(RewardTerm.of(spec.name()));
			RewardSample sample = RewardSample.of("q", spec.name().startsWith("od") || spec.name().equals("format_ovd")
					? "[{\"bbox_2d\": [1, 2, 30, 40], \"label\": \"a\"}]" : "[10, 20, 300, 400]").withImage(image);
			for (var unit : units.entrySet()) {
				String small = fill(unit.getValue(), 1 << 20);
				String large = fill(unit.getValue(), 1 << 22);
				double ratio = time(f, small, sample, large);
				if (ratio > worst) {
					worst = ratio;
					worstCase = spec.name() + " on " + unit.getKey();
				}
			}
		}
		String small = fill(OPEN + "{", 1 << 20);
		String large = fill(OPEN + "{", 1 << 22);
		double scanRatio = scan(large) / scan(small);
		System.out.printf("bound: String.indexOf over 4 MiB / 1 MiB = %.1f%n", scanRatio);
		System.out.printf("worst reward function: %s, 4 MiB / 1 MiB = %.1f (%.1f× the bound; quadratic would be 16)%n",
				worstCase, worst, worst / scanRatio);
	}

	/** Best of several runs on each length, so one collection or compilation does not decide the ratio. */
	private static double time(RewardFunction f, String small, RewardSample sample, String large) {
		Completion a = new Completion(small, 1000);
		Completion b = new Completion(large, 1000);
		return best(f, b, sample) / best(f, a, sample);
	}

	private static double best(RewardFunction f, Completion c, RewardSample sample) {
		long best = Long.MAX_VALUE;
		for (int i = 0; i < 7; i++) {
			long t0 = System.nanoTime();
			f.evaluate(c, sample);
			best = Math.min(best, System.nanoTime() - t0);
		}
		return Math.max(1, best);
	}

	private static double scan(String text) {
		long best = Long.MAX_VALUE;
		for (int i = 0; i < 20; i++) {
			long t0 = System.nanoTime();
			if (text.indexOf("</answer>") >= 0 || text.indexOf('}') >= 0) {
				throw new IllegalStateException();
			}
			best = Math.min(best, System.nanoTime() - t0);
		}
		return best;
	}

	private static String fill(String unit, int length) {
		StringBuilder sb = new StringBuilder(length + unit.length());
		while (sb.length() < length) {
			sb.append(unit);
		}
		return sb.toString();
	}

}
