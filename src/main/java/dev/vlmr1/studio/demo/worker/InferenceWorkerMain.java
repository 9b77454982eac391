package dev.vlmr1.studio.demo.worker;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import ai.djl.Device;
import ai.djl.engine.Engine;

import dev.vlmr1.studio.model.RunDevice;

/**
 * The inference worker process: {@code java -cp <classpath> dev.vlmr1.studio.demo.worker.InferenceWorkerMain}.
 * A plain main, no Spring. Speaks line-delimited JSON ({@link WorkerRequest} in on stdin, {@link WorkerResponse} out
 * on stdout); everything else, including whatever libraries print, goes to stderr.
 *
 * <p>Settings are system properties: {@code studio.demo.max-cached-models} (default 2), {@value #DEVICE} and the
 * request limits of
 * {@link RequestLimits}.
 */
public final class InferenceWorkerMain {

	/** {@code auto}, {@code cpu} or {@code cuda}: where the worker puts its models, chosen once at start. */
	public static final String DEVICE = "studio.demo.device";

	private InferenceWorkerMain() {
	}

	public static void main(String[] args) throws Exception {
		// stdout is the protocol channel: keep it for ourselves and point System.out at stderr for everyone else
		PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
		System.setOut(System.err);
		int maxModels = Integer.getInteger("studio.demo.max-cached-models", 2);
		// load libtorch before announcing readiness, so a broken native setup fails the start, not a request
		Engine.getInstance();
		// a device the machine cannot give fails the start with what was asked and seen
		Device device;
		try {
			device = RunDevice.choose("studio.demo.worker-device", System.getProperty(DEVICE, "auto"),
					Engine.getInstance().getGpuCount());
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			System.err.println("inference worker: cannot start: " + ex.getMessage());
			System.exit(2);
			return;
		}
		System.err.println("inference worker: models go to " + device + " (CUDA_VISIBLE_DEVICES=" + RunDevice.visibleDevices() + ")");
		ModelCache cache = new ModelCache(maxModels, (dir) -> LoadedModel.load(dir, device));
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		new InferenceWorker(cache, RequestLimits.fromSystemProperties(), protocol).serve(in);
		// end of input: the web JVM is gone or shut us down; the OS reclaims the models' native memory
		System.exit(0);
	}

}
