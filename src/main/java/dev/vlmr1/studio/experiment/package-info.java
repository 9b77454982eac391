/**
 * Issue 6's experiment, reproducible from one command: from one tiny base model, SFT and GRPO fine-tuning on the
 * same in-domain REC data, both evaluated on in-domain and out-of-domain test splits. Plain Java + DJL (no Spring):
 * the command line runs it in one process; the platform's button runs the same plan as runs.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"eval", "model", "reward", "synth", "train"})
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.experiment;
