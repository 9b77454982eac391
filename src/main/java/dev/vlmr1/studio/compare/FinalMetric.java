package dev.vlmr1.studio.compare;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.run.MetricPoint;

/**
 * One row of a run's final-metrics table: the metric's last value and, where the metric has a direction, its
 * best value and the step it was reached at (the first such step on ties).
 *
 * @param eval whether it was measured on held-out data ({@code eval/…})
 * @param direction which way it improves; {@code best} is null for {@link MetricDirection#NONE}
 */
record FinalMetric(String metric, boolean eval, MetricDirection direction, int lastStep, double last,
		@Nullable Integer bestStep, @Nullable Double best, int points) {

	/** Summarises a curve sorted by step; NaN values are never best (a diverged step is not a record). */
	static FinalMetric of(String metric, List<MetricPoint> curve) {
		if (curve.isEmpty()) {
			throw new IllegalArgumentException("no point for metric " + metric);
		}
		MetricDirection direction = MetricDirection.of(metric);
		MetricPoint last = curve.get(curve.size() - 1);
		MetricPoint best = null;
		if (direction != MetricDirection.NONE) {
			for (MetricPoint p : curve) {
				if (!Double.isNaN(p.value()) && (best == null || direction.better(p.value(), best.value()))) {
					best = p;
				}
			}
		}
		return new FinalMetric(metric, MetricDirection.isEval(metric), direction, last.step(), last.value(),
				best == null ? null : best.step(), best == null ? null : best.value(), curve.size());
	}

	/** The last value as the page shows it. */
	public String lastText() {
		return format(last);
	}

	/** The best value as the page shows it, or an empty string. */
	public String bestText() {
		return best == null ? "" : format(best);
	}

	/** Four significant digits, plain for everyday magnitudes, scientific for learning rates and the like. */
	static String format(double value) {
		if (Double.isNaN(value) || Double.isInfinite(value)) {
			return Double.toString(value);
		}
		double magnitude = Math.abs(value);
		if (value == Math.rint(value) && magnitude < 1e15) {
			return Long.toString((long) value);
		}
		if (magnitude >= 1e-3 && magnitude < 1e6) {
			return new BigDecimal(value).round(new MathContext(4)).stripTrailingZeros().toPlainString();
		}
		return String.format(Locale.ROOT, "%.3e", value);
	}

}
