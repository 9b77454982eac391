/**
 * Synthetic grounding data: seeded scenes of coloured shapes with REC, OVD and counting samples, in-domain and
 * out-of-domain splits, written as ordinary VLM-R1 jsonl + images. Plain Java, no Spring.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"model"})
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.synth;
