package dev.vlmr1.studio.model;

import java.util.Map;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A debug check that a run's tensors sit on the run's device: every parameter (and its gradient), every input, and
 * every activation a forward or backward left on its per-call manager. On a GPU a tensor created on the wrong device
 * fails deep inside libtorch with no hint of which one; this check names the first offender instead. It costs a walk
 * over all live arrays, so it runs only when the system property {@value #PROPERTY} is {@code true} (the tests set it).
 */
public final class DeviceCheck {

	/** {@code -Dstudio.debug.device-check=true} turns the check on for every forward and backward. */
	public static final String PROPERTY = "studio.debug.device-check";

	private final Device expected;

	private int checked;

	private DeviceCheck(Device expected) {
		this.expected = expected;
	}

	/** Whether the check is on in this process. */
	public static boolean enabled() {
		return Boolean.getBoolean(PROPERTY);
	}

	/** A check against {@code expected}. */
	public static DeviceCheck expecting(Device expected) {
		return new DeviceCheck(expected);
	}

	/**
	 * Checks each parameter.
	 * @throws MisplacedTensorException naming the first parameter not on the expected device
	 */
	public DeviceCheck parameters(Map<String, NDArray> parameters) {
		parameters.forEach(this::array);
		return this;
	}

	/**
	 * Checks the gradient of each parameter that takes one (after a backward: before it, asking for a gradient
	 * would allocate one).
	 * @throws MisplacedTensorException naming the first parameter whose gradient is not on the expected device
	 */
	public DeviceCheck gradients(Map<String, NDArray> parameters) {
		parameters.forEach((name, p) -> {
			if (p.hasGradient()) {
				// a fresh handle on the gradient each time: closing it leaves the gradient itself alone
				try (NDArray gradient = p.getGradient()) {
					array(name + " (gradient)", gradient);
				}
			}
		});
		return this;
	}

	/**
	 * Checks every array {@code scope} and its sub-managers hold: the activations of the forwards and backwards run
	 * on it.
	 * @throws MisplacedTensorException naming the first activation not on the expected device, by index and shape
	 */
	public DeviceCheck activations(String what, NDManager scope) {
		int i = 0;
		for (NDArray a : scope.getManagedArrays()) {
			array(what + " activation #" + i++ + " " + a.getShape() + " " + a.getDataType(), a);
		}
		return this;
	}

	/**
	 * Checks one named array.
	 * @throws MisplacedTensorException if it is not on the expected device
	 */
	public DeviceCheck array(String name, NDArray array) {
		Device actual = array.getDevice();
		if (!same(actual, expected)) {
			throw new MisplacedTensorException(name + " is on " + actual + ", the run's device is " + expected);
		}
		checked++;
		return this;
	}

	/** Arrays checked so far: the proof that the check looked at something. */
	public int checked() {
		return checked;
	}

	/** CPU tensors report {@code cpu()} whatever index the manager was made with. */
	private static boolean same(Device a, Device b) {
		if (!a.getDeviceType().equals(b.getDeviceType())) {
			return false;
		}
		return Device.Type.CPU.equals(a.getDeviceType()) || a.getDeviceId() == b.getDeviceId();
	}

	/** A tensor of the run is not on the run's device. */
	public static final class MisplacedTensorException extends IllegalStateException {

		private static final long serialVersionUID = 1L;

		public MisplacedTensorException(String message) {
			super(message);
		}

	}

}
