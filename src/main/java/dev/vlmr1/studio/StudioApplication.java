package dev.vlmr1.studio;

import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.modulith.Modulithic;

import dev.vlmr1.studio.executor.WorkerMain;

/**
 * VLM-R1 Studio: datasets, reward configurations, GRPO/SFT runs and demos for Qwen-VL grounding models.
 *
 * <p>{@code java -jar studio.jar} starts the web platform; {@code java -jar studio.jar <command> …} runs one
 * of the command-line tools (see {@link Cli}) without starting Spring; {@code java -jar studio.jar worker …} starts
 * an executor worker process (see {@link WorkerMain}), which uses a small non-web context of its own.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@Modulithic(sharedModules = "web")
public class StudioApplication {

	public static void main(String[] args) {
		if (args.length > 0 && "worker".equals(args[0])) {
			System.exit(WorkerMain.run(Arrays.copyOfRange(args, 1, args.length)));
		}
		if (args.length > 0 && Cli.handles(args[0])) {
			System.exit(Cli.run(args));
		}
		SpringApplication.run(StudioApplication.class, args);
	}

}
