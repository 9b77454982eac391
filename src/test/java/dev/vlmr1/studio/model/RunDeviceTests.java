package dev.vlmr1.studio.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How a run's device is chosen: {@code auto} takes CUDA device 0 of what the process sees when libtorch reports a
 * GPU, else the CPU; {@code cpu} and {@code cuda} force it, and {@code cuda} without a GPU is refused with what was
 * asked and seen.
 */
class RunDeviceTests {

	@Test
	void autoTakesTheFirstVisibleGpuOrTheCpu() {
		assertThat(RunDevice.choose("auto", 0)).isEqualTo(Device.cpu());
		assertThat(RunDevice.choose("auto", 4)).isEqualTo(Device.gpu(0));
		assertThat(RunDevice.choose("", 1)).isEqualTo(Device.gpu(0));
	}

	@Test
	void cpuAndCudaForceTheDevice() {
		assertThat(RunDevice.choose("cpu", 8)).isEqualTo(Device.cpu());
		assertThat(RunDevice.choose("CUDA", 1)).isEqualTo(Device.gpu(0));
	}

	@Test
	void cudaWithoutAGpuIsRefusedNamingTheSettingAndWhatTheProcessSees() {
		assertThatThrownBy(() -> RunDevice.choose("cuda", 0)).isInstanceOf(RunDevice.DeviceUnavailableException.class)
			.hasMessageStartingWith("studio.executor.device=cuda but libtorch sees no CUDA device (CUDA_VISIBLE_DEVICES=")
			.hasMessageContaining("0 GPU(s)")
			.hasMessageEndingWith("a CUDA run needs the CUDA libtorch flavour and a visible GPU");
		assertThatThrownBy(() -> RunDevice.choose("tpu", 0)).isInstanceOf(IllegalArgumentException.class)
			.hasMessage("studio.executor.device must be auto, cpu or cuda, got 'tpu'");
	}

	@Test
	void thisBuildHasTheCpuLibtorchSoItsRunsGoToTheCpu() {
		assertThat(Engine.getInstance().getGpuCount()).isZero();
		assertThat(RunDevice.configured()).isEqualTo(Device.cpu());
		assertThatThrownBy(() -> RunDevice.choose("cuda")).isInstanceOf(RunDevice.DeviceUnavailableException.class);
	}

}
