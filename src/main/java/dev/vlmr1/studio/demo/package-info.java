/**
 * Demos of a registered model: REC (image + expression → box and reasoning) and OVD (image + labels → labelled
 * boxes) pages and REST endpoints. Inference never runs in the web JVM: {@link dev.vlmr1.studio.demo.InferenceWorkerClient}
 * starts one long-lived child JVM ({@link dev.vlmr1.studio.demo.worker.InferenceWorkerMain}) and talks to it over its
 * stdin/stdout, with a bounded number of requests in flight.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"catalog", "model", "reward", "web"})
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.demo;
