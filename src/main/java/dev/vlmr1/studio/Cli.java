package dev.vlmr1.studio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToIntFunction;

import dev.vlmr1.studio.model.ModelCommands;
import dev.vlmr1.studio.reward.Completion;
import dev.vlmr1.studio.reward.RewardBatch;
import dev.vlmr1.studio.reward.RewardConfiguration;
import dev.vlmr1.studio.reward.RewardSample;
import dev.vlmr1.studio.reward.SampleImage;
import dev.vlmr1.studio.train.GrpoStepCommand;
import dev.vlmr1.studio.train.RewardScorer;
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
		COMMANDS.put("synth", (args) -> TinyModelCommands.synth(args, System.out));
		COMMANDS.put("create-tiny-model", (args) -> TinyModelCommands.createTinyModel(args, System.out));
		COMMANDS.put("grpo-step", GrpoStepCommand::run);
		COMMANDS.put("train", (args) -> TrainCommand.run(args, Cli::rewardScorer));
	}

	private Cli() {
	}

	/** The reward library's weighted configuration as the trainer's {@link RewardScorer}. */
	static RewardScorer rewardScorer(String json) {
		RewardConfiguration configuration = RewardConfiguration.parse(json);
		return new RewardScorer() {
			@Override
			public List<String> functionNames() {
				return configuration.functionNames();
			}

			@Override
			public Scores score(List<Request> requests) {
				List<Completion> completions = new ArrayList<>();
				List<RewardSample> samples = new ArrayList<>();
				for (Request r : requests) {
					completions.add(new Completion(r.completion(), r.completionTokens()));
					List<SampleImage> images = new ArrayList<>();
					for (int i = 0; i < r.imageSizes().size(); i++) {
						long[] grid = r.imageGridThw().get(i);
						images.add(new SampleImage(r.imageSizes().get(i)[0], r.imageSizes().get(i)[1], (int) grid[0],
								(int) grid[1], (int) grid[2]));
					}
					Object method = r.sample().fields().get("accu_reward_method");
					samples.add(new RewardSample(r.sample().question(), r.sample().solution(), r.sample().fields(), images,
							method instanceof String m ? m : null));
				}
				RewardBatch batch = configuration.score(completions, samples);
				Map<String, double[]> perFunction = new LinkedHashMap<>();
				for (String fn : batch.functions()) {
					perFunction.put(fn, batch.scores(fn));
				}
				return new Scores(batch.totals(), perFunction);
			}
		};
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
