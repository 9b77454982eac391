package dev.vlmr1.studio.executor;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
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
 * @param device where a worker puts a run's tensors: {@code auto} (CUDA device 0 of what the worker sees when
 * libtorch reports a GPU, else the CPU), {@code cpu}, or {@code cuda} (an attempt on a worker without one fails as
 * SETUP)
 */
@ConfigurationProperties("studio.executor")
public record ExecutorProperties(@DefaultValue("PT5S") Duration heartbeat, @DefaultValue("PT30M") Duration progressTimeout,
		@DefaultValue("PT5S") Duration sweepInterval, @DefaultValue("PT30S") Duration retryBase,
		@DefaultValue("PT30M") Duration retryMax, @DefaultValue("PT2S") Duration pollInterval,
		@DefaultValue("42") Set<Integer> fatalExitCodes, @DefaultValue("true") boolean sweeperEnabled,
		@DefaultValue("real") String trainer, @DefaultValue("") String fake, @DefaultValue Local local,
		@DefaultValue("PT25S") Duration preemptGrace, @DefaultValue("auto") String device) {

	public ExecutorProperties {
		String d = device.trim().toLowerCase(java.util.Locale.ROOT);
		if (!List.of("auto", "cpu", "cuda").contains(d)) {
			throw new IllegalArgumentException("studio.executor.device must be auto, cpu or cuda, got '" + device + "'");
		}
		if (d.equals("cpu") && (!local.gpuList().isEmpty() || !local.gpuMemory().isBlank())) {
			throw new IllegalArgumentException("studio.executor.device=cpu contradicts studio.executor.local.gpus/gpu-memory:"
					+ " a CPU worker has no GPU to plan against or hand out");
		}
	}

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
	 * @param gpus the GPUs workers get, one each, as {@code CUDA_VISIBLE_DEVICES} names them ({@code 0,1,2,3});
	 * at most that many workers run at once (and at most {@code maxWorkers}). Empty: the dispatcher hands out no GPU
	 * and leaves {@code CUDA_VISIBLE_DEVICES} as it is
	 * @param gpuMemory one GPU's memory ({@code 80g}): runs are planned against it instead of {@code memoryLimit};
	 * required with {@code gpus}
	 */
	public record Local(@DefaultValue("true") boolean enabled, @DefaultValue("1") int maxWorkers,
			@DefaultValue("1g") String heap, @DefaultValue("2") int threads, @DefaultValue("") String jvmArgs,
			@DefaultValue("") String memoryLimit, @DefaultValue("") String gpus, @DefaultValue("") String gpuMemory) {

		public Local {
			if (!gpus(gpus).isEmpty() && gpuMemory.isBlank()) {
				throw new IllegalArgumentException("studio.executor.local.gpus is set (" + gpus
						+ "): set studio.executor.local.gpu-memory to one GPU's memory (e.g. 80g) so runs are planned against it");
			}
		}

		/** The GPUs to hand out, in order; empty when none are configured. */
		public List<String> gpuList() {
			return gpus(gpus);
		}

		private static List<String> gpus(String list) {
			return Arrays.stream(list.split(",")).map(String::trim).filter((g) -> !g.isEmpty()).distinct().toList();
		}

		/**
		 * What a run is planned against: one GPU's memory less the CUDA context when {@code gpuMemory} is set,
		 * else the worker process's memory ({@link #hostBudget()}).
		 */
		public MemoryBudget memoryBudget() {
			if (!gpuMemory.isBlank()) {
				long bytes = ByteSize.parse(gpuMemory);
				if (bytes <= MemoryBudget.CUDA_CONTEXT_BYTES) {
					throw new IllegalStateException("studio.executor.local.gpu-memory (" + ByteSize.format(bytes)
							+ ") leaves nothing for tensors after the CUDA context ("
							+ ByteSize.format(MemoryBudget.CUDA_CONTEXT_BYTES) + ")");
				}
				return MemoryBudget.gpu(bytes);
			}
			return hostBudget();
		}

		/** The memory of one worker process: {@code memoryLimit}, or a share of the physical memory. */
		public MemoryBudget hostBudget() {
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
