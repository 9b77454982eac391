package dev.vlmr1.studio.executor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vlmr1.studio.model.TorchDtype;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The executor's plain-Java parts, without a database: retry maths, classification, checkpoints, parsing. */
class ExecutorUnitTests {

	@TempDir
	Path tmp;

	@Test
	void backoffDoublesPerFailedAttemptUpToTheCap() {
		RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(10));
		assertThat(policy.backoff(1)).isEqualTo(Duration.ofSeconds(2));
		assertThat(policy.backoff(2)).isEqualTo(Duration.ofSeconds(4));
		assertThat(policy.backoff(3)).isEqualTo(Duration.ofSeconds(8));
		assertThat(policy.backoff(4)).isEqualTo(Duration.ofSeconds(10));
		assertThat(policy.backoff(500)).isEqualTo(Duration.ofSeconds(10));
		assertThatThrownBy(() -> policy.backoff(0)).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(5), Duration.ofSeconds(1)))
			.isInstanceOf(IllegalArgumentException.class);
		assertThat(policy.retries(FailureKind.ERROR, 2, 3)).isTrue();
		assertThat(policy.retries(FailureKind.ERROR, 3, 3)).as("budget used up").isFalse();
		assertThat(policy.retries(FailureKind.OOM, 1, 3)).isFalse();
		assertThat(policy.retries(FailureKind.FATAL_EXIT, 1, 3)).isFalse();
		assertThat(policy.retries(FailureKind.WORKER_LOST, 1, 3)).isTrue();
	}

	@Test
	void failuresAreClassifiedFromExceptionsExitCodesAndLogs() {
		FailureClassifier classifier = new FailureClassifier(Set.of(42));
		assertThat(classifier.classify(new OutOfMemoryError("Java heap space"))).isEqualTo(FailureKind.OOM);
		assertThat(classifier.classify(new RuntimeException("CUDA out of memory. Tried to allocate 2 GiB")))
			.isEqualTo(FailureKind.OOM);
		assertThat(classifier.classify(new IllegalStateException("wrapped", new TrainingFailure(FailureKind.DATA, "bad image"))))
			.isEqualTo(FailureKind.DATA);
		assertThat(classifier.classify(new IllegalStateException("boom"))).isEqualTo(FailureKind.ERROR);
		assertThat(classifier.classifyExit(3, "")).isEqualTo(FailureKind.OOM);
		assertThat(classifier.classifyExit(1, "Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space"))
			.isEqualTo(FailureKind.OOM);
		assertThat(classifier.classifyExit(42, "")).isEqualTo(FailureKind.FATAL_EXIT);
		assertThat(classifier.classifyExit(137, "")).isEqualTo(FailureKind.WORKER_LOST);
		assertThat(classifier.classifyExit(1, "NullPointerException")).isEqualTo(FailureKind.ERROR);
	}

	@Test
	void fakeTrainerSpecParsesAndRejectsBadSettings() {
		FakeTrainerSpec spec = FakeTrainerSpec.parse(" steps=60, checkpointEvery=10,pauseAtStep=37,faultAttempt=1,failKind=nan_loss");
		assertThat(spec.steps()).isEqualTo(60);
		assertThat(spec.pauseAtStep()).isEqualTo(37);
		assertThat(spec.failKind()).isEqualTo(FailureKind.NAN_LOSS);
		assertThat(spec.faultsOn(1)).isTrue();
		assertThat(spec.faultsOn(2)).isFalse();
		assertThat(FakeTrainerSpec.parse("")).isEqualTo(FakeTrainerSpec.DEFAULT);
		assertThatThrownBy(() -> FakeTrainerSpec.parse("stepz=3")).hasMessageContaining("unknown fake trainer setting 'stepz'");
		assertThatThrownBy(() -> FakeTrainerSpec.parse("steps=many")).hasMessageContaining("needs a number");
		assertThatThrownBy(() -> FakeTrainerSpec.parse("steps")).hasMessageContaining("not key=value");
		assertThatThrownBy(() -> FakeTrainerSpec.parse("steps=-1")).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> FakeTrainerSpec.parse("checkpointEvery=0")).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> FakeTrainerSpec.parse("failKind=TIRED")).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void logTailKeepsTheLastLinesAndCutsRunawayOnes() {
		LogTail tail = new LogTail(3);
		for (int i = 1; i <= 5; i++) {
			tail.add("line " + i);
		}
		assertThat(tail.text()).isEqualTo("line 3\nline 4\nline 5");
		tail.add("x".repeat(10_000));
		assertThat(tail.text().length()).isLessThan(2100);
		assertThatThrownBy(() -> new LogTail(0)).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void onlyIntactCommittedCheckpointsAreUsable() throws IOException {
		CheckpointStore store = new CheckpointStore(tmp, 7);
		Path ten = checkpoint(store, 1, 10);
		Path twenty = checkpoint(store, 1, 20);
		store.commit(ten, 10);
		store.commit(twenty, 20);
		assertThat(store.isCommitted(ten, 10)).isTrue();
		assertThat(store.isCommitted(ten, 20)).as("marker of another step").isFalse();
		// a file changed after the commit
		Files.writeString(twenty.resolve("weights.bin"), "tampered");
		assertThat(store.isCommitted(twenty, 20)).isFalse();
		var registered = List.of(new CheckpointStore.ResumePoint(10, ten), new CheckpointStore.ResumePoint(20, twenty));
		assertThat(store.newestUsable(registered)).contains(new CheckpointStore.ResumePoint(10, ten));
		// torn: files but no marker
		Path thirty = checkpoint(store, 2, 30);
		assertThat(store.isCommitted(thirty, 30)).isFalse();
		// a marker pointing outside its directory
		Path forty = checkpoint(store, 2, 40);
		Files.writeString(forty.resolve(CheckpointStore.MARKER), "step 40\nsha256 00 ../../../../etc/passwd\n");
		assertThat(store.isCommitted(forty, 40)).isFalse();

		List<Path> moved = store.quarantineAllBut(Set.of(ten));
		assertThat(moved).hasSize(3).allSatisfy(p -> assertThat(p.getParent().getFileName().toString()).isEqualTo("quarantine"));
		assertThat(ten.resolve(CheckpointStore.MARKER)).exists();
		assertThat(twenty).doesNotExist();
		assertThat(store.newestUsable(List.of())).isEmpty();
	}

	@Test
	void fakeTrainerLossIsDeterministic() {
		assertThat(FakeTrainer.expectedLoss(0)).isEqualTo(4.0);
		assertThat(FakeTrainer.expectedLoss(37)).isEqualTo(FakeTrainer.expectedLoss(37)).isLessThan(4.0);
	}

	@Test
	void workerCommandRejectsBadArgumentsAndAMissingDatabase() {
		assertThat(WorkerMain.run(new String[] { "--bogus" })).isEqualTo(2);
		assertThat(WorkerMain.run(new String[] { "--max-runs", "many" })).isEqualTo(2);
		assertThat(WorkerMain.run(new String[] { "--max-runs", "-1" })).isEqualTo(2);
		assertThat(WorkerMain.run(new String[] { "--worker-id" })).isEqualTo(2);
		assumeTrue(System.getenv("SPRING_DATASOURCE_URL") == null && System.getProperty("spring.datasource.url") == null,
				"a database is configured in this environment");
		assertThat(WorkerMain.run(new String[] { "--exit-when-idle" })).isEqualTo(2);
	}

	@Test
	void childrenStartFromTheSameClasspathOrExecutableJar() {
		assertThat(WorkerLaunch.launchTarget("a.jar" + java.io.File.pathSeparator + "classes"))
			.containsExactly("-cp", "a.jar" + java.io.File.pathSeparator + "classes", WorkerLaunch.MAIN_CLASS);
		assertThat(WorkerLaunch.launchTarget(tmp.resolve("missing.jar").toString())).first().isEqualTo("-cp");
		WorkerLaunch launch = WorkerLaunch.forCurrentJvm(new ExecutorProperties.Local(true, 1, "512m", 2, "-Dx=1", "", "", ""),
				java.util.Map.of("studio.runs.lease", "PT5S"), WorkerLaunch.databaseEnvironment("jdbc:postgresql://h/db", "u", "secret"));
		assertThat(launch.command()).contains("-Xmx512m", "-XX:ActiveProcessorCount=2", "-XX:+ExitOnOutOfMemoryError", "-Dx=1",
				"-Dstudio.runs.lease=PT5S", "worker");
		assertThat(String.join(" ", launch.command())).as("the password stays out of the command line").doesNotContain("secret");
		WorkerLaunch big = WorkerLaunch.forCurrentJvm(new ExecutorProperties.Local(true, 1, "1g", 2, "", "20g", "", ""),
				java.util.Map.of(), java.util.Map.of());
		assertThat(big.command()).as("tensors are direct buffers: a 1 GiB heap must still hold 20 GiB of weights")
			.contains("-XX:MaxDirectMemorySize=" + 20L * 1024 * 1024 * 1024);
		assertThat(launch.environment()).containsEntry("SPRING_DATASOURCE_PASSWORD", "secret");
	}

	private static Path checkpoint(CheckpointStore store, int attempt, int step) throws IOException {
		Path dir = store.stagingDir(attempt, step);
		Files.writeString(dir.resolve("weights.bin"), "w" + step);
		Files.writeString(dir.resolve("trainer_state.json"), "{\"global_step\": " + step + "}");
		return dir;
	}

	@Test
	void loraHyperparametersReachBothTrainersAndRankZeroMeansFullFineTuning() {
		Map<String, Object> lora = Map.of("lora_r", 8, "lora_alpha", 32.0, "lora_dropout", 0.1, "lora_target_modules",
				"decoder_and_vision", "num_generations", 2, "per_device_train_batch_size", 2);
		var grpo = TrainerConfigs.grpo(lora, "{question}").lora();
		assertThat(grpo.r()).isEqualTo(8);
		assertThat(grpo.scaling()).isEqualTo(4.0);
		assertThat(grpo.dropout()).isEqualTo(0.1);
		assertThat(grpo.targets().vision()).isTrue();
		assertThat(TrainerConfigs.sft(lora, "{question}").lora()).isEqualTo(grpo);
		assertThat(TrainerConfigs.sft(Map.of("lora_r", 0, "lora_alpha", 32.0), "{question}").lora()).isNull();
		assertThat(TrainerConfigs.grpo(Map.of("num_generations", 2, "per_device_train_batch_size", 2), "{question}").lora())
			.isNull();
		assertThatThrownBy(() -> TrainerConfigs.sft(Map.of("lora_r", 4, "lora_target_modules", "everything"), "{question}"))
			.isInstanceOf(TrainingFailure.class)
			.hasMessageContaining("everything");
	}

	@Test
	void torchDtypeReachesBothTrainersAndAHalfBaseWithoutLoraFailsSetup() {
		Map<String, Object> half = Map.of("lora_r", 8, "torch_dtype", "float16", "num_generations", 2,
				"per_device_train_batch_size", 2);
		assertThat(TrainerConfigs.grpo(half, "{question}").torchDtype()).isEqualTo(TorchDtype.FLOAT16);
		assertThat(TrainerConfigs.sft(half, "{question}").torchDtype()).isEqualTo(TorchDtype.FLOAT16);
		assertThat(TrainerConfigs.grpo(Map.of("num_generations", 2, "per_device_train_batch_size", 2), "{question}")
			.torchDtype()).isEqualTo(TorchDtype.FLOAT32);
		assertThatThrownBy(() -> TrainerConfigs.sft(Map.of("torch_dtype", "float16"), "{question}"))
			.isInstanceOf(TrainingFailure.class)
			.hasMessageContaining("needs LoRA");
		assertThatThrownBy(() -> TrainerConfigs.sft(Map.of("lora_r", 8, "torch_dtype", "bfloat16"), "{question}"))
			.isInstanceOf(TrainingFailure.class)
			.hasMessageContaining("aborts the whole JVM");
	}

}
