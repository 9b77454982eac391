/**
 * Evaluation metrics that do not trust the training reward: REC accuracy@IoU>0.5 (VLM-R1's protocol), OVD COCO
 * mAP / AP50 with greedy precision and recall, per-sample results, and the reward-hacking alarm. Plain Java: no
 * Spring. Reads answers with the reward module's parsers, so reward and metric agree on what a model said.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"reward"})
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.eval;
