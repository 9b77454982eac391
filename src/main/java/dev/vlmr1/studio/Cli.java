package dev.vlmr1.studio;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToIntFunction;

import dev.vlmr1.studio.reward.RewardScorers;
import dev.vlmr1.studio.experiment.ExperimentCommand;
import dev.vlmr1.studio.model.ModelCommands;
import dev.vlmr1.studio.plan.PlanCommand;
import dev.vlmr1.studio.train.GrpoStepCommand;
import dev.vlmr1.studio.train.TrainCommand;

/**
 * Command-line subcommands of the application jar ({@code infer}, {@code forward}, {@code train}, …).
 *
 * <p>Each module registers its commands here as a plain function of the remaining arguments that returns
 * an exit code, so the tools run without a Spring context or a database.
 */
final class Cli {

	private static final Map<String, ToIntFunction<String[]>> COMMANDS = new LinkedHashMap<>();

	static {
		COMMANDS.put("forward", ModelCommands::forward);
		COMMANDS.put("infer", ModelCommands::infer);
		COMMANDS.put("merge-lora", ModelCommands::mergeLora);
		COMMANDS.put("synth", (args) -> TinyModelCommands.synth(args, System.out));
		COMMANDS.put("create-tiny-model", (args) -> TinyModelCommands.createTinyModel(args, System.out));
		COMMANDS.put("grpo-step", GrpoStepCommand::run);
		COMMANDS.put("train", (args) -> TrainCommand.run(args, RewardScorers::fromJson));
		COMMANDS.put("experiment", (args) -> ExperimentCommand.run(args, System.out));
		COMMANDS.put("memory-plan", (args) -> PlanCommand.run(args, System.out));
	}

	private Cli() {
	}

	static boolean handles(String command) {
		return COMMANDS.containsKey(command) || "help".equals(command) || "--help".equals(command);
	}

	static int run(String[] args) {
		var command = COMMANDS.get(args[0]);
		if (command == null) {
			System.out.println("Commands: " + String.join(", ", COMMANDS.keySet()));
			return 0;
		}
		try {
			return command.applyAsInt(Arrays.copyOfRange(args, 1, args.length));
		}
		catch (IllegalArgumentException ex) {
			System.err.println("error: " + ex.getMessage());
			return 2;
		}
	}

}
