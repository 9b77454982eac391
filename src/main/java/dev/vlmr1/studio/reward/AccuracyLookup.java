package dev.vlmr1.studio.reward;

/**
 * Finds the accuracy function that decides whether a completion is correct, for functions that depend on
 * correctness ({@code length_cosine}).
 */
@FunctionalInterface
interface AccuracyLookup {

	/** The accuracy function for this sample, given the name asked for ({@code sample} = the sample's own). */
	RewardFunction accuracyFor(String requested, RewardSample sample);

}
