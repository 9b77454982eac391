package dev.vlmr1.studio.reward;

/**
 * What a reward function measures. Accuracy functions are the ones a sample's {@code accu_reward_method} can
 * swap in for each other.
 */
public enum RewardKind {

	FORMAT, ACCURACY, SHAPING

}
