package dev.vlmr1.studio.run;

/** One value of one metric at one training step. */
public record MetricPoint(int step, double value) {

}
