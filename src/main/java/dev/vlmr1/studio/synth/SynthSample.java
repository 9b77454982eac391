package dev.vlmr1.studio.synth;

import java.awt.image.BufferedImage;

/**
 * One generated sample: the scene image, the human question and the gpt answer, in VLM-R1's conventions.
 *
 * @param accuRewardMethod the per-row accuracy function (VLM-R1's {@code accu_reward_method}), or null for the
 * task default
 */
public record SynthSample(String id, SynthTask task, BufferedImage image, String question, String solution,
		String accuRewardMethod) {
}
