package dev.vlmr1.studio.run;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.plan.ByteSize;
import dev.vlmr1.studio.plan.MemoryPlan;

/**
 * A run's memory plan as the API and the new-run page show it.
 *
 * @param requiredBytes what the run needs of a worker (its reserved part and the run's tensors)
 * @param availableBytes what a worker has
 * @param reservedBytes the worker's part before any tensor (heap and runtime)
 * @param summary "needs about 2.1 GiB; a worker has 18 GiB"
 * @param phase when the peak happens: rollout, training or generation
 * @param parts the tensors alive at the peak
 * @param suggestion the cheapest change that fits, when the run does not
 */
record PlanView(boolean fits, long requiredBytes, String required, long availableBytes, String available,
		long reservedBytes, String summary, String phase, long parameters, long trainableParameters, long sequenceTokens,
		long imageTokens, List<Part> parts, @Nullable Suggestion suggestion) {

	record Part(String name, long bytes, String size, String detail) {
	}

	record Suggestion(String change, Map<String, Object> values, long requiredBytes, String required) {
	}

	static PlanView of(MemoryPlan plan) {
		var e = plan.estimate();
		var s = plan.suggestion();
		return new PlanView(plan.fits(), plan.required(), ByteSize.format(plan.required()), plan.budget().capacityBytes(),
				ByteSize.format(plan.budget().capacityBytes()), plan.budget().reservedBytes(), plan.summary(), e.phase(),
				e.parameters(), e.trainableParameters(), e.sequenceTokens(), e.imageTokens(),
				e.parts().stream().map((p) -> new Part(p.name(), p.bytes(), ByteSize.format(p.bytes()), p.detail())).toList(),
				s == null ? null : new Suggestion(s.change(), s.values(), s.required(), ByteSize.format(s.required())));
	}

}
