package dev.vlmr1.studio.plan;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code memory-plan --model DIR [--type grpo|sft|eval] [--memory-limit 20g --heap 1g | --gpu 80g] [name=value …]}:
 * prints a run's memory plan, part by part, for a checkpoint directory and hyperparameters (GRPO.md names;
 * unspecified ones take the run's defaults), against a CPU worker's memory limit or a GPU's memory.
 * @return 0 when the run fits, 1 when it does not
 */
public final class PlanCommand {

	private PlanCommand() {
	}

	public static int run(String[] args, PrintStream out) {
		Map<String, String> options = new LinkedHashMap<>();
		Map<String, Object> hp = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i++) {
			if (args[i].startsWith("--")) {
				if (i + 1 >= args.length) {
					throw new IllegalArgumentException(args[i] + " needs a value");
				}
				options.put(args[i], args[++i]);
			}
			else if (args[i].contains("=")) {
				String[] pair = args[i].split("=", 2);
				if (!RunShape.READS.contains(pair[0])) {
					throw new IllegalArgumentException(pair[0] + " does not change the memory plan; it reads "
							+ String.join(", ", RunShape.READS));
				}
				hp.put(pair[0], value(pair[1]));
			}
			else {
				throw new IllegalArgumentException("usage: memory-plan --model DIR [--type grpo|sft|eval] "
						+ "[--memory-limit 20g --heap 1g | --gpu 80g] [name=value …]; got " + args[i]);
			}
		}
		for (String name : options.keySet()) {
			if (!java.util.List.of("--model", "--type", "--memory-limit", "--heap", "--gpu").contains(name)) {
				throw new IllegalArgumentException("unknown option " + name);
			}
		}
		if (!options.containsKey("--model")) {
			throw new IllegalArgumentException("--model DIR is required");
		}
		String type = options.getOrDefault("--type", "grpo");
		if (!java.util.List.of("grpo", "sft", "eval").contains(type)) {
			throw new IllegalArgumentException("--type must be grpo, sft or eval; got " + type);
		}
		MemoryBudget budget = options.containsKey("--gpu") ? MemoryBudget.gpu(ByteSize.parse(options.get("--gpu")))
				: MemoryBudget.cpuWorker(ByteSize.parse(options.getOrDefault("--memory-limit", "20g")),
						ByteSize.parse(options.getOrDefault("--heap", "1g")));
		MemoryPlan plan = MemoryPlan.of(ModelShape.load(Path.of(options.get("--model"))), type, hp, budget);
		MemoryEstimate e = plan.estimate();
		out.println((plan.fits() ? "fits: " : "does not fit: ") + plan.summary());
		out.printf("peak during %s; %d of %d parameters trained; %d tokens per sequence (%d image tokens)%n", e.phase(),
				e.trainableParameters(), e.parameters(), e.sequenceTokens(), e.imageTokens());
		out.printf("  %-12s %10s  %s%n", "reserved", ByteSize.format(budget.reservedBytes()), budget.worker()
				+ "'s own part (heap and runtime, or the CUDA context)");
		e.parts().forEach((p) -> out.printf("  %-12s %10s  %s%n", p.name(), ByteSize.format(p.bytes()), p.detail()));
		return plan.fits() ? 0 : 1;
	}

	private static Object value(String text) {
		if (text.equals("true") || text.equals("false")) {
			return Boolean.parseBoolean(text);
		}
		try {
			return Integer.parseInt(text);
		}
		catch (NumberFormatException notInteger) {
			try {
				return Double.parseDouble(text);
			}
			catch (NumberFormatException notNumber) {
				return text;
			}
		}
	}

}
