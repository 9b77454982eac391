package dev.vlmr1.studio.catalog;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

/**
 * The command line of a merge process: this JVM's {@code java} and classpath (or executable jar) running the
 * {@code merge-lora} tool, with a small heap and the native memory the weights need.
 */
final class MergeCommand {

	static final String MAIN_CLASS = "dev.vlmr1.studio.StudioApplication";

	private MergeCommand() {
	}

	static List<String> of(ModelRegistryProperties.Merge settings, Path adapter, Path base, Path out, String dtype) {
		List<String> cmd = new ArrayList<>();
		cmd.add(ProcessHandle.current().info().command()
			.orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
		cmd.add("-Xmx" + settings.heap());
		// DJL's tensors are direct buffers, capped at -Xmx unless told otherwise
		cmd.add("-XX:MaxDirectMemorySize=" + settings.nativeMemory().toBytes());
		cmd.add("-XX:+ExitOnOutOfMemoryError");
		cmd.add("-XX:TieredStopAtLevel=1");
		cmd.add("-Djava.awt.headless=true");
		cmd.add("-Dai.djl.offline=true");
		cmd.addAll(launchTarget(System.getProperty("java.class.path", "")));
		cmd.addAll(List.of("merge-lora", "--adapter", adapter.toString(), "--base", base.toString(), "--out",
				out.toString(), "--dtype", dtype));
		return List.copyOf(cmd);
	}

	/** {@code -jar app.jar} for a Spring Boot executable jar, else {@code -cp <classpath> <main>}. */
	private static List<String> launchTarget(String classpath) {
		if (!classpath.contains(File.pathSeparator) && classpath.endsWith(".jar")) {
			try (JarFile jar = new JarFile(classpath)) {
				if (jar.getManifest() != null && jar.getManifest().getMainAttributes().getValue("Start-Class") != null) {
					return List.of("-jar", Path.of(classpath).toAbsolutePath().toString());
				}
			}
			catch (IOException ex) {
				// not a readable jar: run it as a classpath
			}
		}
		return List.of("-cp", classpath, MAIN_CLASS);
	}

}
