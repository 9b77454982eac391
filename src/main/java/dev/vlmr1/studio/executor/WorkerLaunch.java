package dev.vlmr1.studio.executor;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;

/**
 * How to start a worker process from this JVM: the same Java and the same classpath (or the same
 * executable jar), bounded heap and processors, the executor's settings as system properties and the
 * database in the environment (so the password never shows in {@code ps}).
 *
 * @param command the command line up to and including {@code worker}
 * @param environment extra environment of the child
 */
record WorkerLaunch(List<String> command, Map<String, String> environment) {

	static final String MAIN_CLASS = "dev.vlmr1.studio.StudioApplication";

	/**
	 * @param settings system properties for the child ({@code studio.runs.lease} …)
	 * @param database {@code SPRING_DATASOURCE_*} variables
	 */
	static WorkerLaunch forCurrentJvm(ExecutorProperties.Local local, Map<String, String> settings,
			Map<String, String> database) {
		List<String> cmd = new ArrayList<>();
		cmd.add(javaBinary());
		cmd.add("-Xmx" + local.heap());
		cmd.add("-XX:ActiveProcessorCount=" + local.threads());
		// DJL copies every array it creates through a direct buffer that lives as long as the tensor, and the JVM caps
		// direct memory at -Xmx by default: a 1 GiB heap could not hold 3B weights. The process's memory limit is the cap.
		cmd.add("-XX:MaxDirectMemorySize=" + local.hostBudget().capacityBytes());
		// a JVM out of heap exits with code 3 (classified OOM) instead of limping on
		cmd.add("-XX:+ExitOnOutOfMemoryError");
		cmd.add("-XX:TieredStopAtLevel=1");
		cmd.add("-Xshare:auto");
		cmd.add("-Djava.awt.headless=true");
		for (String arg : local.jvmArgs().trim().split("\\s+")) {
			if (!arg.isEmpty()) {
				cmd.add(arg);
			}
		}
		settings.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
		cmd.addAll(launchTarget(System.getProperty("java.class.path", "")));
		cmd.add("worker");
		return new WorkerLaunch(List.copyOf(cmd), Map.copyOf(database));
	}

	/** The command with the worker's own arguments appended. */
	List<String> commandWith(List<String> workerArgs) {
		List<String> full = new ArrayList<>(command);
		full.addAll(workerArgs);
		return full;
	}

	/** {@code -jar app.jar} for a Spring Boot executable jar, else {@code -cp <classpath> <main>}. */
	static List<String> launchTarget(String classpath) {
		if (!classpath.contains(File.pathSeparator) && classpath.endsWith(".jar") && isBootJar(Path.of(classpath))) {
			return List.of("-jar", Path.of(classpath).toAbsolutePath().toString());
		}
		return List.of("-cp", classpath, MAIN_CLASS);
	}

	private static boolean isBootJar(Path jar) {
		try (JarFile file = new JarFile(jar.toFile())) {
			return file.getManifest() != null && file.getManifest().getMainAttributes().getValue("Start-Class") != null;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static String javaBinary() {
		return ProcessHandle.current().info().command()
			.orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
	}

	/** The database settings a child needs, as environment variables. */
	static Map<String, String> databaseEnvironment(String url, String username, String password) {
		Map<String, String> env = new LinkedHashMap<>();
		env.put("SPRING_DATASOURCE_URL", url);
		env.put("SPRING_DATASOURCE_USERNAME", username);
		env.put("SPRING_DATASOURCE_PASSWORD", password);
		return env;
	}

}
