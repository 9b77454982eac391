package dev.vlmr1.studio.executor;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.plan.ByteSize;
import dev.vlmr1.studio.plan.MemoryBudget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code studio.executor.local.memory-limit}: what a worker has for a run, which new runs are planned against. */
class WorkerMemoryBudgetTests {

	@Test
	void anExplicitLimitHoldsTheHeapTheRuntimeAndTheTensors() {
		MemoryBudget budget = local("4g", "20g", 1).memoryBudget();
		assertThat(budget.capacityBytes()).isEqualTo(20 * ByteSize.GIB);
		assertThat(budget.reservedBytes()).isEqualTo(4 * ByteSize.GIB + MemoryBudget.CPU_RUNTIME_BYTES);
	}

	@Test
	void withoutOneWorkersShareThreeQuartersOfThePhysicalMemory() {
		long physical = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getTotalMemorySize();
		assertThat(local("256m", "", 1).memoryBudget().capacityBytes()).isEqualTo(physical * 3 / 4);
		assertThat(local("256m", "", 2).memoryBudget().capacityBytes()).isEqualTo(physical * 3 / 4 / 2);
	}

	@Test
	void aLimitThatLeavesNothingForTensorsOrIsNoSizeStopsTheApplication() {
		assertThatThrownBy(() -> local("2g", "2g", 1).memoryBudget()).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("studio.executor.local.memory-limit (2.0 GiB) leaves nothing for tensors");
		assertThatThrownBy(() -> local("1g", "plenty", 1).memoryBudget()).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("not a size");
	}

	@Test
	void onGpusRunsArePlannedAgainstOneGpusMemoryLessTheCudaContext() {
		ExecutorProperties.Local gpus = new ExecutorProperties.Local(true, 4, "4g", 2, "", "20g", "0,1,2,3", "80g");
		assertThat(gpus.gpuList()).containsExactly("0", "1", "2", "3");
		MemoryBudget budget = gpus.memoryBudget();
		assertThat(budget.worker()).isEqualTo("a GPU");
		assertThat(budget.capacityBytes()).isEqualTo(80 * ByteSize.GIB);
		assertThat(budget.reservedBytes()).isEqualTo(MemoryBudget.CUDA_CONTEXT_BYTES);
		// the process itself keeps its host limit: it caps the direct buffers weights pass through on their way
		assertThat(gpus.hostBudget().capacityBytes()).isEqualTo(20 * ByteSize.GIB);
	}

	@Test
	void gpusWithoutTheirMemoryOrACpuDeviceWithGpusStopTheApplication() {
		assertThatThrownBy(() -> new ExecutorProperties.Local(true, 2, "1g", 2, "", "", "0,1", ""))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("studio.executor.local.gpus is set (0,1): set studio.executor.local.gpu-memory");
		assertThatThrownBy(() -> new ExecutorProperties.Local(true, 2, "1g", 2, "", "", "0", "512m").memoryBudget())
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("gpu-memory (512 MiB) leaves nothing for tensors after the CUDA context");
		ExecutorProperties.Local withGpu = new ExecutorProperties.Local(true, 1, "1g", 2, "", "", "0", "24g");
		assertThatThrownBy(() -> new ExecutorProperties(java.time.Duration.ofSeconds(5), java.time.Duration.ofMinutes(30),
				java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(30), java.time.Duration.ofMinutes(30),
				java.time.Duration.ofSeconds(2), java.util.Set.of(42), true, "real", "", withGpu,
				java.time.Duration.ofSeconds(25), "cpu"))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("studio.executor.device=cpu contradicts studio.executor.local.gpus/gpu-memory");
	}

	private static ExecutorProperties.Local local(String heap, String memoryLimit, int workers) {
		return new ExecutorProperties.Local(true, workers, heap, 2, "", memoryLimit, "", "");
	}

}
