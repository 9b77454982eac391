package dev.vlmr1.studio.executor;

import ai.djl.Device;
import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.model.RunDevice;

/**
 * The device this worker process trains on, chosen once from {@code studio.executor.device} and what libtorch sees
 * (its GPU is CUDA device 0 of {@code CUDA_VISIBLE_DEVICES}). A setting the machine cannot honour (cuda without a
 * visible GPU or the CUDA libtorch) fails every attempt as {@link FailureKind#SETUP}, naming what was asked and seen.
 */
final class WorkerDevice {

	private final String setting;

	private @Nullable Device chosen;

	private @Nullable String refused;

	WorkerDevice(String setting) {
		this.setting = setting;
	}

	/**
	 * The run's device.
	 * @throws TrainingFailure (SETUP) when the setting cannot be honoured here
	 */
	synchronized Device device() {
		if (chosen == null && refused == null) {
			try {
				chosen = RunDevice.choose(setting);
			}
			catch (IllegalArgumentException | IllegalStateException ex) {
				refused = ex.getMessage();
			}
		}
		if (refused != null) {
			throw new TrainingFailure(FailureKind.SETUP, refused);
		}
		return chosen;
	}

}
