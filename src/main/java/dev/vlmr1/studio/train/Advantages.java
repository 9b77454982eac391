package dev.vlmr1.studio.train;

/**
 * Group-relative advantages (GRPO.md step 5): one scalar per completion, applied to every one of its tokens.
 *
 * <p>Rewards arrive in rollout order: prompt 0's G completions, then prompt 1's, and so on. Standard deviations use
 * Bessel's correction (N − 1), as {@code torch.std} does by default, so a group of one has NaN std; a single
 * completion per prompt carries no relative signal and is rejected instead.
 */
public final class Advantages {

	/** Added to the std before dividing, so equal rewards give advantage 0 instead of 0/0. */
	public static final double STD_EPSILON = 1e-4;

	private Advantages() {
	}

	/**
	 * @param rewards [B·G] total reward per completion, grouped by prompt
	 * @param groupSize G, completions per prompt (≥ 2)
	 * @return [B·G] advantages
	 */
	public static float[] compute(float[] rewards, int groupSize, ScaleRewards scale) {
		if (groupSize < 2) {
			throw new IllegalArgumentException("group size must be at least 2, was " + groupSize);
		}
		if (rewards.length == 0 || rewards.length % groupSize != 0) {
			throw new IllegalArgumentException(
					rewards.length + " rewards do not split into groups of " + groupSize);
		}
		double batchStd = std(rewards, 0, rewards.length);
		float[] advantages = new float[rewards.length];
		for (int start = 0; start < rewards.length; start += groupSize) {
			double mean = mean(rewards, start, groupSize);
			double divisor = switch (scale) {
				case GROUP -> std(rewards, start, groupSize) + STD_EPSILON;
				case BATCH -> batchStd + STD_EPSILON;
				case NONE -> 1.0;
			};
			for (int i = start; i < start + groupSize; i++) {
				advantages[i] = (float) ((rewards[i] - mean) / divisor);
			}
		}
		return advantages;
	}

	/** Per group, whether all its rewards are equal (std 0): such groups carry no signal. [B] */
	public static boolean[] zeroStdGroups(float[] rewards, int groupSize) {
		boolean[] zero = new boolean[rewards.length / groupSize];
		for (int g = 0; g < zero.length; g++) {
			zero[g] = true;
			for (int i = 1; i < groupSize; i++) {
				if (rewards[g * groupSize + i] != rewards[g * groupSize]) {
					zero[g] = false;
					break;
				}
			}
		}
		return zero;
	}

	static double mean(float[] values, int start, int count) {
		double sum = 0;
		for (int i = start; i < start + count; i++) {
			sum += values[i];
		}
		return sum / count;
	}

	/** Sample standard deviation with Bessel's correction. */
	static double std(float[] values, int start, int count) {
		if (count < 2) {
			return 0.0;
		}
		double mean = mean(values, start, count);
		double squares = 0;
		for (int i = start; i < start + count; i++) {
			double d = values[i] - mean;
			squares += d * d;
		}
		return Math.sqrt(squares / (count - 1));
	}

}
