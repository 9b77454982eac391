package dev.vlmr1.studio.run;

import java.util.List;

import org.jspecify.annotations.Nullable;

/** A stored per-sample evaluation result, as the run page's table shows it ({@link EvalResultRecord} plus where). */
public record EvalResult(int step, int idx, int attempt, String sampleId, String taskType, String prediction,
		@Nullable String image, List<RolloutBox> predictedBoxes, List<RolloutBox> truthBoxes, @Nullable Double iou, boolean correct) {

	public EvalResult {
		predictedBoxes = List.copyOf(predictedBoxes);
		truthBoxes = List.copyOf(truthBoxes);
	}

}
