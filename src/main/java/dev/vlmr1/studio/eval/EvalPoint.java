package dev.vlmr1.studio.eval;

/**
 * One periodic evaluation during training.
 *
 * @param step optimiser step of the evaluation
 * @param trainingReward mean training reward around that step
 * @param heldOutMetric the held-out task metric (REC acc@0.5, OVD mAP), higher is better
 */
public record EvalPoint(long step, double trainingReward, double heldOutMetric) {
}
