/**
 * Reward functions for GRPO (REWARDS.md): the registry of named functions with typed parameters, reward
 * configurations, answer and box parsing, IoU and one-image COCO AP, and the dry run. Plain Java + Jackson: no
 * Spring, no persistence (the Spring glue lives in {@code reward.config}).
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"train", "web"})
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.reward;
