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

	private static ExecutorProperties.Local local(String heap, String memoryLimit, int workers) {
		return new ExecutorProperties.Local(true, workers, heap, 2, "", memoryLimit, "", "");
	}

}
