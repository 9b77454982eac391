package dev.vlmr1.studio.executor;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.vlmr1.studio.plan.ByteSize;
import dev.vlmr1.studio.plan.MemoryBudget;

/**
 * Settings of the executor ({@code studio.executor.*}). The lease itself is the run module's
 * ({@code studio.runs.lease}); the heartbeat should fit several times into it.
 *
 * @param heartbeat how often a worker renews its lease (and learns of a cancel)
 * @param progressTimeout a RUNNING attempt whose step has not advanced for this long is killed
 * ({@code NO_PROGRESS}), heartbeats or not
 * @param sweepInterval how often the sweeper reaps expired leases and stuck attempts
 * @param retryBase back-off after failed attempt n is {@code retryBase · 2^(n−1)}
 * @param retryMax cap of that back-off
 * @param pollInterval how often an idle worker or the local dispatcher looks for queued runs
 * @param fatalExitCodes worker exit codes that fail a run without retry
 * @param sweeperEnabled whether this application runs the lease sweeper
 * @param trainer the training job a worker runs: {@code real} (SFT/GRPO trainers) or the name of a
 * {@link TrainingJobProvider} (the test build has {@code fake})
 * @param fake the settings of a provider's job, for runs that bring none of their own
 * @param local the local process dispatcher
 * @param preemptGrace how long a worker stopped by SIGTERM (Slurm preemption or time limit, a shutdown) has to
 * checkpoint its current step and hand the run back; inside Slurm's {@code KillWait} (30 s by default) and the
 * application's shutdown phase (30 s)
 */
@ConfigurationProperties("studio.executor")
public record ExecutorProperties(@DefaultValue("PT5S") Duration heartbeat, @DefaultValue("PT30M") Duration progressTimeout,
		@DefaultValue("PT5S") Duration sweepInterval, @DefaultValue("PT30S") Duration retryBase,
		@DefaultValue("PT30M") Duration retryMax, @DefaultValue("PT2S") Duration pollInterval,
		@DefaultValue("42") Set<Integer> fatalExitCodes, @DefaultValue("true") boolean sweeperEnabled,
		@DefaultValue("real") String trainer, @DefaultValue("") String fake, @DefaultValue Local local,
		@DefaultValue("PT25S") Duration preemptGrace) {

	RetryPolicy retryPolicy() {
		return new RetryPolicy(retryBase, retryMax);
	}

	/**
	 * The dispatcher that starts worker processes on this machine ({@code studio.executor.local.*}).
	 *
	 * @param enabled whether the web application starts local workers
	 * @param maxWorkers worker processes alive at once
	 * @param heap {@code -Xmx} of each worker
	 * @param threads processors a worker may use ({@code -XX:ActiveProcessorCount})
	 * @param jvmArgs extra JVM arguments, separated by spaces
	 * @param memoryLimit all the memory one worker process may use: its heap, the JVM and libtorch runtime, and the
	 * run's tensors (native memory); a run whose memory plan needs more is refused when it is created. Empty: three
	 * quarters of the machine's physical memory, shared among {@code maxWorkers}
	 */
	public record Local(@DefaultValue("true") boolean enabled, @DefaultValue("1") int maxWorkers,
			@DefaultValue("1g") String heap, @DefaultValue("2") int threads, @DefaultValue("") String jvmArgs,
			@DefaultValue("") String memoryLimit) {

		/** The memory budget of one worker: {@code memoryLimit}, or a share of the physical memory. */
		public MemoryBudget memoryBudget() {
			long heapBytes = ByteSize.parse(heap);
			long limit = memoryLimit.isBlank() ? physicalMemory() * 3 / 4 / Math.max(1, maxWorkers)
					: ByteSize.parse(memoryLimit);
			MemoryBudget budget = MemoryBudget.cpuWorker(limit, heapBytes);
			if (budget.reservedBytes() >= limit) {
				throw new IllegalStateException("studio.executor.local.memory-limit (" + ByteSize.format(limit)
						+ ") leaves nothing for tensors after the heap (" + ByteSize.format(heapBytes)
						+ ") and the runtime (" + ByteSize.format(MemoryBudget.CPU_RUNTIME_BYTES) + ")");
			}
			return budget;
		}

		private static long physicalMemory() {
			return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
				.getTotalMemorySize();
		}

	}

}
