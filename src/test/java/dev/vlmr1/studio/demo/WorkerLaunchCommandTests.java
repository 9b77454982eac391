package dev.vlmr1.studio.demo;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The worker's command line from a plain classpath and from a Spring Boot executable jar; settings checks. */
class WorkerLaunchCommandTests {

	static final DemoProperties PROPERTIES = new DemoProperties(3, 4, "512m", 2, "-Dfoo=bar  -Xss2m",
			Duration.ofMinutes(1), Duration.ofMinutes(1), DataSize.ofMegabytes(1), 1000, 16, 64, 4096, 10000, 2, 2000, 10, DataSize.ofMegabytes(8), DataSize.ofGigabytes(3), DataSize.ofGigabytes(4), "auto");

	@TempDir
	Path temp;

	@Test
	void aPlainClasspathRunsTheWorkerMainDirectly() {
		String classpath = "target/classes" + File.pathSeparator + "lib/a.jar";
		List<String> cmd = WorkerLaunchCommand.of(PROPERTIES, classpath, false);
		assertThat(cmd.get(0)).endsWith("java");
		assertThat(cmd).contains("-Xmx512m", "-XX:ActiveProcessorCount=2", "-XX:+ExitOnOutOfMemoryError",
				"-Dai.djl.offline=true", "-Dstudio.demo.max-cached-models=3", "-Dstudio.demo.max-image-pixels=1000",
				"-Dstudio.demo.max-total-image-pixels=2000", "-Dstudio.demo.max-images=2",
				"-Dstudio.demo.max-prompt-tokens=4096", "-Dstudio.demo.worker-native-memory=" + (3L << 30), "-Dfoo=bar",
				"-Xss2m");
		assertThat(cmd.subList(cmd.size() - 3, cmd.size())).containsExactly("-cp", classpath,
				"dev.vlmr1.studio.demo.worker.InferenceWorkerMain");
	}

	@Test
	void anExecutableJarStartsTheWorkerThroughBootsPropertiesLauncher() throws Exception {
		Path jar = temp.resolve("studio.jar");
		Manifest manifest = new Manifest();
		manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
		manifest.getMainAttributes().putValue("Start-Class", "dev.vlmr1.studio.StudioApplication");
		try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
			// an empty jar with a Boot manifest is enough to recognise one
		}
		List<String> cmd = WorkerLaunchCommand.of(PROPERTIES, jar.toString(), false);
		assertThat(cmd).contains("-Dloader.main=dev.vlmr1.studio.demo.worker.InferenceWorkerMain");
		assertThat(cmd.subList(cmd.size() - 3, cmd.size())).containsExactly("-cp", jar.toAbsolutePath().toString(),
				WorkerLaunchCommand.BOOT_LAUNCHER);
	}

	@Test
	void onLinuxTheWorkerRunsUnderAnAddressSpaceLimitOfHeapNativeMemoryAndReserve() {
		String classpath = "target/classes";
		List<String> cmd = WorkerLaunchCommand.of(PROPERTIES, classpath, true);
		long kib = ((512L << 20) + (3L << 30) + (4L << 30)) >> 10;
		assertThat(cmd.subList(0, 3)).containsExactly("/bin/sh", "-c", "ulimit -v " + kib + " && exec \"$0\" \"$@\"");
		// exec: the shell becomes the JVM, so the worker keeps its pid and its parent
		assertThat(cmd.subList(3, cmd.size())).isEqualTo(WorkerLaunchCommand.of(PROPERTIES, classpath, false));
	}

	@Test
	void theWorkerDeviceReachesTheWorkerAndACudaWorkerRunsWithoutTheAddressSpaceLimit() {
		assertThat(WorkerLaunchCommand.of(PROPERTIES, "target/classes", false)).contains("-Dstudio.demo.device=auto");
		DemoProperties cuda = new DemoProperties(3, 4, "512m", 2, "", Duration.ofMinutes(1), Duration.ofMinutes(1),
				DataSize.ofMegabytes(1), 1000, 16, 64, 4096, 10000, 2, 2000, 10, DataSize.ofMegabytes(8),
				DataSize.ofGigabytes(3), DataSize.ofGigabytes(4), "cuda");
		List<String> cmd = WorkerLaunchCommand.of(cuda, "target/classes", true);
		// the CUDA runtime maps far more address space than it uses: under ulimit -v it would not initialise
		assertThat(cmd.get(0)).endsWith("java");
		assertThat(cmd).contains("-Dstudio.demo.device=cuda");
		assertThatThrownBy(() -> new DemoProperties(3, 4, "512m", 2, "", Duration.ofMinutes(1), Duration.ofMinutes(1),
				DataSize.ofMegabytes(1), 1000, 16, 64, 4096, 10000, 2, 2000, 10, DataSize.ofMegabytes(8),
				DataSize.ofGigabytes(3), DataSize.ofGigabytes(4), "gpu0")).isInstanceOf(IllegalArgumentException.class)
			.hasMessage("studio.demo.worker-device must be auto, cpu or cuda, got 'gpu0'");
	}

	@Test
	void aCudaInferenceWorkerOnAMachineWithoutAGpuDoesNotStartAndSaysWhy() {
		DemoProperties cuda = new DemoProperties(1, 4, "256m", 0, "", Duration.ofMinutes(2), Duration.ofMinutes(1),
				DataSize.ofMegabytes(1), 1000, 16, 64, 4096, 10000, 2, 2000, 10, DataSize.ofMegabytes(8),
				DataSize.ofGigabytes(3), DataSize.ofGigabytes(4), "cuda");
		List<String> command = WorkerLaunchCommand.of(cuda, System.getProperty("java.class.path"));
		assertThatThrownBy(() -> WorkerProcess.start(command, Duration.ofMinutes(2)).close())
			.isInstanceOf(WorkerUnavailableException.class)
			.hasMessageContaining("inference worker: cannot start: studio.demo.worker-device=cuda but libtorch sees no"
					+ " CUDA device");
	}

	@Test
	void theHeapSettingIsReadInXmxSyntaxAndRefusedOtherwise() {
		assertThat(DemoProperties.heapBytes("512m")).isEqualTo(512L << 20);
		assertThat(DemoProperties.heapBytes("2G")).isEqualTo(2L << 30);
		assertThat(DemoProperties.heapBytes("4096")).isEqualTo(4096);
		assertThatThrownBy(() -> DemoProperties.heapBytes("lots")).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("worker-heap");
	}

	@Test
	void limitsMustBePositive() {
		assertThatThrownBy(() -> new DemoProperties(0, 4, "1g", 0, "", Duration.ofMinutes(1), Duration.ofMinutes(1),
				DataSize.ofMegabytes(1), 1000, 16, 64, 4096, 10000, 2, 2000, 10, DataSize.ofMegabytes(8),
				DataSize.ofGigabytes(3), DataSize.ofGigabytes(4), "auto")).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new DemoProperties(1, 4, "1g", 0, "", Duration.ofMinutes(1), Duration.ofMinutes(1),
				DataSize.ofMegabytes(1), 1000, 128, 64, 4096, 10000, 2, 2000, 10, DataSize.ofMegabytes(8),
				DataSize.ofGigabytes(3), DataSize.ofGigabytes(4), "auto")).isInstanceOf(IllegalArgumentException.class);
	}

}
