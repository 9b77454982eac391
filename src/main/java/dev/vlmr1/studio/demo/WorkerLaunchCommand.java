package dev.vlmr1.studio.demo;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

import dev.vlmr1.studio.demo.worker.InferenceWorkerMain;
import dev.vlmr1.studio.demo.worker.RequestLimits;

/**
 * The command line of the inference worker: this JVM's {@code java}, a bounded heap, and this JVM's classpath with
 * the worker's main class. From a Spring Boot executable jar the classes sit under {@code BOOT-INF/}, so there the
 * jar's own {@code PropertiesLauncher} starts the worker's main ({@code -Dloader.main}). On Linux the JVM runs under
 * an address-space limit ({@link DemoProperties#workerAddressSpaceReserve()}), so a request that slips past the
 * worker's memory estimate fails its own allocation (answered 413) instead of growing the worker until the kernel
 * kills it.
 */
final class WorkerLaunchCommand {

	static final String BOOT_LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";

	static final Path SHELL = Path.of("/bin/sh");

	private WorkerLaunchCommand() {
	}

	static List<String> of(DemoProperties properties, String classpath) {
		return of(properties, classpath, Files.isExecutable(SHELL)
				&& System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux"));
	}

	/**
	 * The command; with {@code limitAddressSpace} it runs under {@code ulimit -v} of heap + native memory + reserve,
	 * through a shell that {@code exec}s the JVM (same pid, same parent).
	 */
	static List<String> of(DemoProperties properties, String classpath, boolean limitAddressSpace) {
		List<String> java = java(properties, classpath);
		long reserve = properties.workerAddressSpaceReserve().toBytes();
		if (!limitAddressSpace || reserve == 0 || properties.workerDevice().equals("cuda")) {
			return java;
		}
		long kib = (DemoProperties.heapBytes(properties.workerHeap()) + properties.workerNativeMemory().toBytes()
				+ reserve) >> 10;
		List<String> cmd = new ArrayList<>(List.of(SHELL.toString(), "-c", "ulimit -v " + kib + " && exec \"$0\" \"$@\""));
		cmd.addAll(java);
		return List.copyOf(cmd);
	}

	private static List<String> java(DemoProperties properties, String classpath) {
		List<String> cmd = new ArrayList<>();
		cmd.add(javaBinary());
		cmd.add("-Xmx" + properties.workerHeap());
		if (properties.workerThreads() > 0) {
			cmd.add("-XX:ActiveProcessorCount=" + properties.workerThreads());
		}
		// out of heap: exit (the client sees a crash and restarts it) rather than limp on
		cmd.add("-XX:+ExitOnOutOfMemoryError");
		cmd.add("-Djava.awt.headless=true");
		cmd.add("-Dai.djl.offline=true");
		cmd.add("-Dstudio.demo.max-cached-models=" + properties.maxCachedModels());
		cmd.add("-D" + InferenceWorkerMain.DEVICE + "=" + properties.workerDevice());
		cmd.add("-D" + RequestLimits.MAX_IMAGE_PIXELS + "=" + properties.maxImagePixels());
		cmd.add("-D" + RequestLimits.MAX_TOTAL_IMAGE_PIXELS + "=" + properties.maxTotalImagePixels());
		cmd.add("-D" + RequestLimits.MAX_IMAGES + "=" + properties.maxImages());
		cmd.add("-D" + RequestLimits.MAX_PROMPT_TOKENS + "=" + properties.maxPromptTokens());
		cmd.add("-D" + RequestLimits.NATIVE_MEMORY + "=" + properties.workerNativeMemory().toBytes());
		for (String arg : properties.workerJvmArgs().trim().split("\\s+")) {
			if (!arg.isEmpty()) {
				cmd.add(arg);
			}
		}
		if (isBootJar(classpath)) {
			cmd.add("-Dloader.main=" + InferenceWorkerMain.class.getName());
			cmd.addAll(List.of("-cp", Path.of(classpath).toAbsolutePath().toString(), BOOT_LAUNCHER));
		}
		else {
			cmd.addAll(List.of("-cp", classpath, InferenceWorkerMain.class.getName()));
		}
		return List.copyOf(cmd);
	}

	private static boolean isBootJar(String classpath) {
		if (classpath.contains(File.pathSeparator) || !classpath.endsWith(".jar")) {
			return false;
		}
		try (JarFile jar = new JarFile(classpath)) {
			return jar.getManifest() != null && jar.getManifest().getMainAttributes().getValue("Start-Class") != null;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static String javaBinary() {
		return ProcessHandle.current()
			.info()
			.command()
			.orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
	}

}
