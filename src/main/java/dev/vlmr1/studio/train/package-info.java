/**
 * GRPO and SFT training of Qwen-VL models: advantages, completion masks, token log-probs, the clipped GRPO loss,
 * AdamW with PyTorch's semantics, global-norm clipping, learning-rate schedules, and the trainers' step loops.
 * Plain Java + DJL: no Spring, no database; progress leaves through {@code MetricSink}.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"model"})
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.train;
