package dev.vlmr1.studio.run;

/** What a run does: reinforcement learning with rewards, supervised fine-tuning, or evaluation only. */
public enum RunType {

	GRPO, SFT, EVAL

}
