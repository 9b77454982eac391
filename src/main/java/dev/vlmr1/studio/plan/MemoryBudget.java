package dev.vlmr1.studio.plan;

/**
 * What one worker has for a run: its memory, and the part of it taken before any tensor of the run exists.
 * A value object so that a GPU worker (the device's memory, less the CUDA context) plugs in beside the CPU worker
 * (a process's memory limit, less its Java heap and the JVM and libtorch runtime).
 *
 * @param worker what the budget describes, as messages name it ("a local worker")
 * @param capacityBytes all the memory the run may use
 * @param reservedBytes taken before the run's tensors: heap and runtime on a CPU worker, the CUDA context on a GPU
 */
public record MemoryBudget(String worker, long capacityBytes, long reservedBytes) {

	/**
	 * What a worker process needs besides its heap and its tensors: the JVM's own memory (metaspace, code cache,
	 * thread stacks, GC structures), libtorch's loaded code and thread pools, and the worker's Spring context.
	 * A training JVM without Spring measured about 210 MiB (MemoryPlanMeasurementTests); the worker's context and
	 * connection pool add about a hundred.
	 */
	public static final long CPU_RUNTIME_BYTES = 320 * ByteSize.MIB;

	/** A CUDA context with libtorch's kernels loaded, before the first tensor. */
	public static final long CUDA_CONTEXT_BYTES = 600 * ByteSize.MIB;

	public MemoryBudget {
		if (capacityBytes <= 0 || reservedBytes < 0) {
			throw new IllegalArgumentException("capacity must be positive and reserved memory not negative");
		}
	}

	/** A worker process on the CPU: its memory limit holds its heap, the runtime and the run's tensors. */
	public static MemoryBudget cpuWorker(long memoryLimitBytes, long heapBytes) {
		return new MemoryBudget("a worker", memoryLimitBytes, heapBytes + CPU_RUNTIME_BYTES);
	}

	/** A worker on a GPU with {@code deviceBytes} of memory: only the tensors and the context live there. */
	public static MemoryBudget gpu(long deviceBytes) {
		return new MemoryBudget("a GPU", deviceBytes, CUDA_CONTEXT_BYTES);
	}

	/** What a run with this estimate needs of the worker: the reserved part and the tensors. */
	public long required(MemoryEstimate estimate) {
		return reservedBytes + estimate.tensorBytes();
	}

	public boolean fits(MemoryEstimate estimate) {
		return required(estimate) <= capacityBytes;
	}

}
