package dev.vlmr1.studio.train;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainCommandTests {

	static final String JSONL = """
			{"id": 1, "image": "a_84x56.png", "conversations": [{"from": "human", "value": "<image>Where is the box?"}, {"from": "gpt", "value": "[1, 2, 3, 4]"}]}
			{"id": 2, "conversations": [{"from": "human", "value": "What is 2 + 3?"}, {"from": "gpt", "value": 5}], "accu_reward_method": "numeric"}
			""";

	@Test
	void grpoTrainsPrintsProgressCheckpointsAndResumes(@TempDir Path dir) throws Exception {
		Path data = Files.writeString(dir.resolve("a.jsonl"), JSONL);
		Path rewards = Files.writeString(dir.resolve("rewards.json"), "[{\"function\": \"format\"}]");
		Path out = dir.resolve("out");
		String[] args = { "grpo", "--model", TrainFixtures.TINY.toString(), "--data", data.toString(), "--images",
				GrpoTrainerTests.IMAGES.toString(), "--rewards", rewards.toString(), "--out", out.toString(),
				"--max-steps", "2", "--num-generations", "2", "--max-completion-length", "4", "--lr", "1e-3", "--beta", "0" };
		String printed = capture(() -> TrainCommand.run(args, (json) -> new TestRewards()));
		assertThat(printed).contains("[1/2  50%]", "[2/2 100%]", "reward=", "grad_norm=");
		assertThat(out.resolve("checkpoint-2").resolve(TrainerCheckpoint.COMMITTED)).isRegularFile();

		args[12] = "3"; // --max-steps 3: resumes from checkpoint-2 and runs one more step
		String resumed = capture(() -> TrainCommand.run(args, (json) -> new TestRewards()));
		assertThat(resumed).contains("[3/3 100%]").doesNotContain("[1/3");
		assertThat(TrainerCheckpoint.latest(out)).contains(out.resolve("checkpoint-3"));
	}

	@Test
	void aLoraGrpoRunTrainsOnAFloat16BaseAndHalfPrecisionWithoutAdaptersOrInBfloat16IsRefused(@TempDir Path dir)
			throws Exception {
		Path data = Files.writeString(dir.resolve("a.jsonl"), JSONL);
		Path rewards = Files.writeString(dir.resolve("rewards.json"), "[{\"function\": \"format\"}]");
		Path out = dir.resolve("out");
		String[] args = { "grpo", "--model", TrainFixtures.TINY.toString(), "--data", data.toString(), "--images",
				GrpoTrainerTests.IMAGES.toString(), "--rewards", rewards.toString(), "--out", out.toString(),
				"--max-steps", "1", "--num-generations", "2", "--max-completion-length", "4", "--lr", "1e-3",
				"--lora-r", "4", "--torch-dtype", "float16" };
		String printed = capture(() -> TrainCommand.run(args, (json) -> new TestRewards()));
		assertThat(printed).contains("[1/1 100%]", "loss=", "grad_norm=").doesNotContain("NaN");
		assertThat(out.resolve("checkpoint-1").resolve("adapter_config.json")).isRegularFile();

		args[args.length - 3] = "0"; // --lora-r 0: full fine-tuning of a half-precision base
		assertThatThrownBy(() -> TrainCommand.run(args, (json) -> new TestRewards()))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("needs LoRA (--lora-r > 0)");
		args[args.length - 3] = "4";
		args[args.length - 1] = "bfloat16";
		assertThatThrownBy(() -> TrainCommand.run(args, (json) -> new TestRewards()))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("aborts the whole JVM");
	}

	@Test
	void sftRunsOnTheSameData(@TempDir Path dir) throws Exception {
		Path data = Files.writeString(dir.resolve("a.jsonl"), JSONL);
		String printed = capture(() -> TrainCommand.run(new String[] { "sft", "--model", TrainFixtures.TINY.toString(),
				"--data", data.toString(), "--images", GrpoTrainerTests.IMAGES.toString(), "--out",
				dir.resolve("out").toString(), "--max-steps", "1", "--batch-size", "2" }, (json) -> new TestRewards()));
		assertThat(printed).contains("[1/1 100%]", "loss=");
	}

	@Test
	void sftWithLoraCheckpointsAnAdapterResumesFromItAndMergesIntoAFullCheckpoint(@TempDir Path dir) throws Exception {
		Path data = Files.writeString(dir.resolve("a.jsonl"), JSONL);
		Path out = dir.resolve("out");
		String[] args = { "sft", "--model", TrainFixtures.TINY.toString(), "--data", data.toString(), "--images",
				GrpoTrainerTests.IMAGES.toString(), "--out", out.toString(), "--max-steps", "1", "--lr", "1e-2",
				"--lora-r", "4", "--lora-target-modules", "decoder_and_vision" };
		capture(() -> TrainCommand.run(args, (json) -> new TestRewards()));
		Path first = out.resolve("checkpoint-1");
		assertThat(first.resolve("adapter_config.json")).isRegularFile();
		assertThat(first.resolve("model.safetensors")).doesNotExist();

		args[10] = "2"; // --max-steps 2: loads the base, copies the adapter of checkpoint-1 onto it, one more step
		String resumed = capture(() -> TrainCommand.run(args, (json) -> new TestRewards()));
		assertThat(resumed).contains("[2/2 100%]").doesNotContain("[1/2");

		Path merged = dir.resolve("merged");
		capture(() -> dev.vlmr1.studio.model.ModelCommands.mergeLora(new String[] { "--adapter",
				out.resolve("checkpoint-2").toString(), "--out", merged.toString() }));
		assertThat(merged.resolve("model.safetensors")).isRegularFile();
		try (Policy adapted = Policy.load(out.resolve("checkpoint-2")); Policy full = Policy.load(merged)) {
			assertThat(adapted.lora()).isNotNull();
			assertThat(full.lora()).isNull();
			String name = "model.layers.0.self_attn.q_proj.weight";
			assertThat(full.parameters().get(name).toFloatArray()).isNotEqualTo(adapted.parameters().get(name).toFloatArray());
		}
		assertThatThrownBy(() -> TrainCommand.run(new String[] { "sft", "--model", TrainFixtures.TINY.toString(), "--data",
				data.toString(), "--images", GrpoTrainerTests.IMAGES.toString(), "--out", out.toString(), "--lora-alpha",
				"16" }, (json) -> new TestRewards())).hasMessageContaining("--lora-alpha: needs --lora-r > 0");
		assertThatThrownBy(() -> TrainCommand.run(new String[] { "sft", "--model", TrainFixtures.TINY.toString(), "--data",
				data.toString(), "--images", GrpoTrainerTests.IMAGES.toString(), "--out", out.toString(), "--lora-r", "4",
				"--lora-target-modules", "everything" }, (json) -> new TestRewards())).hasMessageContaining("decoder_attention");
	}

	@Test
	void everyTrainingSettingIsAnOptionCheckedAsTheApiChecksIt() {
		for (Setting setting : TrainingSpec.SETTINGS) {
			assertThat(TrainCommand.options()).as(setting.name()).contains(setting.option());
		}
		Map<String, Object> grpo = TrainCommand.settings(RunKind.GRPO, options("--num-generations", "4",
				"--warmup-steps", "3", "--lr", "2e-6", "--min-pixels", "784", "--freeze-vision", "true"));
		assertThat(grpo).containsEntry("num_generations", 4)
			.containsEntry("warmup_steps", 3)
			.containsEntry("learning_rate", 2e-6)
			.containsEntry("min_pixels", 784)
			.containsEntry("freeze_vision", true)
			// one prompt per step unless told otherwise
			.containsEntry("per_device_train_batch_size", 4)
			.containsEntry("gradient_accumulation_steps", 1);
		assertThat(TrainingSpec.grpo(grpo, "{question}").promptsPerStep()).isEqualTo(1);
		// every problem at once, each under the option that caused it
		assertThatThrownBy(() -> TrainCommand.settings(RunKind.GRPO, options("--num-generations", "3", "--batch-size",
				"4", "--top-p", "1.5", "--loss-type", "ppo", "--mask-truncated-completions", "yes")))
			.hasMessageContaining("--top-p: must be ≤ 1; got 1.5")
			.hasMessageContaining("--loss-type: must be one of grpo, bnpo, dr_grpo, dapo")
			.hasMessageContaining("--mask-truncated-completions: must be true or false; got the string \"yes\"");
		assertThatThrownBy(() -> TrainCommand.settings(RunKind.GRPO, options("--num-generations", "3", "--batch-size", "4")))
			.hasMessageContaining("--batch-size: per_device_train_batch_size = 4 must be a multiple of num_generations");
		// a GRPO setting means nothing to SFT
		assertThatThrownBy(() -> TrainCommand.settings(RunKind.SFT, options("--temperature", "0.7")))
			.hasMessageContaining("--temperature: means nothing for a sft run");
	}

	private static CliOptions options(String... args) {
		return new CliOptions(args, TrainCommand.options());
	}

	@Test
	void rejectsBadCommandsAndData(@TempDir Path dir) throws Exception {
		assertThatThrownBy(() -> TrainCommand.run(new String[] { "ppo" }, (json) -> new TestRewards()))
			.hasMessageContaining("train grpo|sft");
		Path escaping = Files.writeString(dir.resolve("bad.jsonl"),
				"{\"image\": \"../x.png\", \"conversations\": [{\"value\": \"q\"}, {\"value\": \"a\"}]}\n");
		assertThatThrownBy(() -> JsonlTrainingData.read(escaping, GrpoTrainerTests.IMAGES)).hasMessageContaining("escapes");
		Path missing = Files.writeString(dir.resolve("missing.jsonl"),
				"{\"image\": \"nope.png\", \"conversations\": [{\"value\": \"q\"}, {\"value\": \"a\"}]}\n");
		assertThatThrownBy(() -> JsonlTrainingData.read(missing, GrpoTrainerTests.IMAGES)).hasMessageContaining("line 1");
		Path oneTurn = Files.writeString(dir.resolve("one.jsonl"), "{\"conversations\": [{\"value\": \"q\"}]}\n");
		assertThatThrownBy(() -> JsonlTrainingData.read(oneTurn, GrpoTrainerTests.IMAGES)).hasMessageContaining("human, gpt");
	}

	@Test
	void readsQuestionsSolutionsImagesAndExtraFields(@TempDir Path dir) throws Exception {
		var samples = JsonlTrainingData.read(Files.writeString(dir.resolve("a.jsonl"), JSONL), GrpoTrainerTests.IMAGES);
		assertThat(samples).hasSize(2);
		assertThat(samples.get(0).question()).isEqualTo("Where is the box?");
		assertThat(samples.get(0).images()).containsExactly(GrpoTrainerTests.IMAGES.resolve("a_84x56.png").normalize());
		assertThat(samples.get(1).solution()).isEqualTo("5");
		assertThat(samples.get(1).fields()).containsEntry("accu_reward_method", "numeric");
	}

	private static String capture(Runnable run) {
		PrintStream original = System.out;
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		System.setOut(new PrintStream(bytes, true));
		try {
			run.run();
		}
		finally {
			System.setOut(original);
		}
		return bytes.toString();
	}

}
