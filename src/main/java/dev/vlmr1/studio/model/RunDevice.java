package dev.vlmr1.studio.model;

import java.util.Locale;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * The device a run's tensors live on, chosen once per process from a setting ({@code auto}, {@code cpu} or
 * {@code cuda}) and what libtorch sees. A worker gets one GPU through {@code CUDA_VISIBLE_DEVICES}, so the GPU a run
 * uses is always CUDA device 0 of what the process can see.
 */
public final class RunDevice {

	/** The worker's setting: {@code auto} (a GPU when libtorch reports one, else the CPU), {@code cpu} or {@code cuda}. */
	public static final String PROPERTY = "studio.executor.device";

	private RunDevice() {
	}

	/**
	 * The device for a setting when the engine reports {@code visibleGpus} CUDA devices.
	 * @throws IllegalArgumentException for an unknown setting
	 * @throws DeviceUnavailableException when the setting asks for CUDA and there is none
	 */
	public static Device choose(String setting, int visibleGpus) {
		return choose(PROPERTY, setting, visibleGpus);
	}

	/** As {@link #choose(String, int)}, for the setting named {@code property} (in messages). */
	public static Device choose(String property, String setting, int visibleGpus) {
		String value = setting == null ? "" : setting.trim().toLowerCase(Locale.ROOT);
		return switch (value) {
			case "", "auto" -> visibleGpus > 0 ? Device.gpu(0) : Device.cpu();
			case "cpu" -> Device.cpu();
			case "cuda", "gpu" -> {
				if (visibleGpus == 0) {
					throw new DeviceUnavailableException(property + "=" + value
							+ " but libtorch sees no CUDA device (CUDA_VISIBLE_DEVICES=" + visibleDevices()
							+ ", libtorch " + libtorch() + "); a CUDA run needs the CUDA libtorch flavour and a visible GPU");
				}
				yield Device.gpu(0);
			}
			default -> throw new IllegalArgumentException(
					property + " must be auto, cpu or cuda, got '" + setting + "'");
		};
	}

	/** The device for a setting in this process, asking the engine how many GPUs it sees. */
	public static Device choose(String setting) {
		return choose(setting, Engine.getInstance().getGpuCount());
	}

	/**
	 * The device this process's {@value #PROPERTY} system property asks for ({@code auto} when unset, which is
	 * libtorch's own default: GPU 0 when it sees one): what the command-line tools and the default loads use.
	 */
	public static Device configured() {
		return choose(System.getProperty(PROPERTY, "auto"));
	}

	/** {@code CUDA_VISIBLE_DEVICES} of this process, or {@code (unset)}. */
	public static String visibleDevices() {
		String visible = System.getenv("CUDA_VISIBLE_DEVICES");
		return visible == null ? "(unset)" : visible;
	}

	private static String libtorch() {
		Engine engine = Engine.getInstance();
		return engine.getVersion() + ", " + engine.getGpuCount() + " GPU(s)";
	}

	/** A setting asks for a device this process does not have. */
	public static final class DeviceUnavailableException extends IllegalStateException {

		private static final long serialVersionUID = 1L;

		public DeviceUnavailableException(String message) {
			super(message);
		}

	}

}
