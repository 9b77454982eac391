/**
 * The out-of-the-box experience: tiny models created and registered with one request, and the one-click demo
 * project (synthetic REC data uploaded through the normal dataset API, a tiny model, the REC reward preset, an SFT
 * warm-up run and a GRPO run queued once the warm-up's checkpoint is in the catalog).
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"catalog", "experiment", "security", "synth", "web"})
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.demoproject;
