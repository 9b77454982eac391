package dev.vlmr1.studio.experiment;

import java.util.Locale;

/**
 * The experiment's result as Markdown: the table (REC accuracy@0.5 and mean IoU per model and test split), the
 * data budget, the wall time and the command line that reproduces it.
 */
public final class ExperimentReport {

	private ExperimentReport() {
	}

	public static String markdown(ExperimentResult result, String command) {
		ExperimentPlan plan = result.plan();
		StringBuilder md = new StringBuilder();
		md.append("| model | in-domain acc@0.5 | in-domain mean IoU | out-of-domain acc@0.5 | out-of-domain mean IoU | training time |\n");
		md.append("|---|---:|---:|---:|---:|---:|\n");
		for (ExperimentResult.Row row : result.rows()) {
			md.append(String.format(Locale.ROOT, "| %s | %.1f %% | %.3f | %.1f %% | %.3f | %s |%n", row.model(),
					100 * row.inDomainAccuracy(), row.inDomainMeanIou(), 100 * row.outOfDomainAccuracy(),
					row.outOfDomainMeanIou(), row.trainSeconds() > 0 ? String.format(Locale.ROOT, "%.0f s", row.trainSeconds()) : "—"));
		}
		md.append(String.format(Locale.ROOT, "%nBoth arms start from the base and see %d training prompts (%d steps × %d prompts) "
				+ "drawn from the same %d in-domain samples; GRPO samples %d completions per prompt. Test splits: %d samples each. "
				+ "Wall time %.0f s (%.1f min) on this machine.%n%nReproduce with:%n%n```%n%s%n```%n", plan.armPrompts(),
				plan.armSteps(), plan.promptsPerStep(), plan.trainSamples(), plan.generations(), plan.testSamples(),
				result.wallSeconds(), result.wallSeconds() / 60, command));
		return md.toString();
	}

}
