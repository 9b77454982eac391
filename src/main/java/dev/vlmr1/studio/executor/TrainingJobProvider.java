package dev.vlmr1.studio.executor;

import java.util.ServiceLoader;

import dev.vlmr1.studio.run.RunDetails;

/**
 * A training job other than the platform's trainers, found by {@link ServiceLoader}. The test build registers a
 * scripted fake that can hang, fail or halt its JVM on cue (the reliability tests); the application jar registers
 * none, so no run of a deployed platform can reach one.
 */
public interface TrainingJobProvider {

	/** The name {@code studio.executor.trainer} gives to make this provider a worker's trainer for every run. */
	String name();

	/** Whether {@code run} asks for this job itself, whatever the worker's trainer. */
	boolean wantedBy(RunDetails run);

	/**
	 * @param settings {@code studio.executor.fake}: the worker's settings for this job, for runs without their own
	 * @throws IllegalArgumentException for settings it cannot read (the attempt then fails as a setup failure)
	 */
	TrainingJob create(RunDetails run, String settings);

}
