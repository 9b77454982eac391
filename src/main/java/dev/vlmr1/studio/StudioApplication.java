package dev.vlmr1.studio;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.modulith.Modulithic;

/**
 * VLM-R1 Studio: datasets, reward configurations, GRPO/SFT runs and demos for Qwen-VL grounding models.
 *
 * <p>{@code java -jar studio.jar} starts the web platform; {@code java -jar studio.jar <command> …} runs one
 * of the command-line tools (see {@link Cli}) without starting Spring.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@Modulithic(sharedModules = "web")
public class StudioApplication {

	public static void main(String[] args) {
		if (args.length > 0 && Cli.handles(args[0])) {
			System.exit(Cli.run(args));
		}
		SpringApplication.run(StudioApplication.class, args);
	}

}
