package dev.vlmr1.studio.experiment;

import java.util.List;

/** The experiment's table: one row per model, REC accuracy@0.5 and mean IoU on both test splits. */
public record ExperimentResult(ExperimentPlan plan, List<Row> rows, double wallSeconds) {

	public record Row(String model, double inDomainAccuracy, double inDomainMeanIou, double outOfDomainAccuracy,
			double outOfDomainMeanIou, double trainSeconds) {
	}

}
