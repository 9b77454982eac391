/**
 * Reward configurations: named, versioned lists of reward terms validated against the reward registry,
 * with REST, pages and a dry run. Runs use them through {@link dev.vlmr1.studio.reward.config.RewardConfigManagement}
 * (named interface {@code reward::config}).
 */
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.reward.config;
