package dev.vlmr1.studio.compare;

import java.util.List;

import dev.vlmr1.studio.run.MetricPoint;

/**
 * A comparison as CSV, in long format (one row per run and metric, or per run, metric and step), which pandas,
 * R and spreadsheet pivot tables all read without reshaping.
 */
final class ComparisonCsv {

	static final List<String> FINAL_HEADER = List.of("run_id", "run", "type", "state", "metric", "eval", "last_step",
			"last_value", "best_step", "best_value");

	static final List<String> CURVES_HEADER = List.of("run_id", "run", "metric", "step", "value");

	private ComparisonCsv() {
	}

	/** The final-metrics table: last value and best value (with its step) of every metric of every run. */
	static String finals(Comparison comparison) {
		CsvWriter csv = new CsvWriter().row(FINAL_HEADER);
		for (ComparedRun run : comparison.runs()) {
			for (FinalMetric f : run.finals()) {
				csv.number(run.id())
					.text(run.name())
					.text(run.type())
					.text(run.state().name())
					.text(f.metric())
					.text(Boolean.toString(f.eval()))
					.number(f.lastStep())
					.number(f.last())
					.number(f.bestStep())
					.number(f.best())
					.endRow();
			}
		}
		return csv.toString();
	}

	/** Every live point of every curve. */
	static String curves(Comparison comparison) {
		CsvWriter csv = new CsvWriter().row(CURVES_HEADER);
		for (ComparedRun run : comparison.runs()) {
			run.curves().forEach((metric, points) -> {
				for (MetricPoint p : points) {
					csv.number(run.id()).text(run.name()).text(metric).number(p.step()).number(p.value()).endRow();
				}
			});
		}
		return csv.toString();
	}

}
