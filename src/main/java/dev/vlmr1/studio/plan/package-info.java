/**
 * The memory plan of a run: its peak memory estimated from the model's {@code config.json} and the run's
 * hyperparameters ({@link dev.vlmr1.studio.plan.MemoryPlanner}), compared with what a worker has
 * ({@link dev.vlmr1.studio.plan.MemoryBudget}), with the cheapest change that makes a run fit
 * ({@link dev.vlmr1.studio.plan.MemoryPlan}). Plain Java: the run module, the command line and tests use it alike.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"model"})
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.plan;
