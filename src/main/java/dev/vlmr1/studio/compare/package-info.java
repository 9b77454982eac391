/**
 * Run comparison: several runs side by side (issue 6 item 3), for SFT versus GRPO and in-domain versus
 * out-of-domain evaluation. Metric curves overlaid per metric, a table of final and best values, and a CSV
 * export safe to open in a spreadsheet.
 *
 * <p>Reads runs through {@link dev.vlmr1.studio.run.RunManagement} and metric rows through its own read-only
 * {@link dev.vlmr1.studio.compare.RunMetricQueries}; it never writes.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"catalog", "run", "train", "web"})
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.compare;
