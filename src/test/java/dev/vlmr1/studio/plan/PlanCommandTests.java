package dev.vlmr1.studio.plan;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code memory-plan}: the plan from the command line, without Spring or a database. */
class PlanCommandTests {

	static final String TINY = MemoryPlanTests.TINY.toString();

	@Test
	void printsThePlanPartByPartAndExitsOneWhenItDoesNotFit() {
		var out = new ByteArrayOutputStream();
		int code = PlanCommand.run(new String[] { "--model", TINY, "--memory-limit", "4g", "--heap", "1g",
				"num_generations=2", "per_device_train_batch_size=2", "max_prompt_length=64", "max_completion_length=32" },
				new PrintStream(out, true, StandardCharsets.UTF_8));
		String printed = out.toString(StandardCharsets.UTF_8);
		assertThat(code).isZero();
		assertThat(printed).startsWith("fits: needs about").contains("a worker has 4.0 GiB", "96 tokens per sequence",
				"reference", "optimizer", "activations");

		out.reset();
		code = PlanCommand.run(new String[] { "--model", TINY, "--memory-limit", "4g", "--heap", "1g", "--type", "sft",
				"per_device_train_batch_size=64", "freeze_vision=true" }, new PrintStream(out, true, StandardCharsets.UTF_8));
		assertThat(code).isOne();
		assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("does not fit: needs about")
			.contains("with per_device_train_batch_size=");
	}

	@Test
	void refusesWhatItDoesNotUnderstand() {
		PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
		assertThatThrownBy(() -> PlanCommand.run(new String[] { "lora_r=16" }, sink)).hasMessageContaining("--model");
		assertThatThrownBy(() -> PlanCommand.run(new String[] { "--model", TINY, "--type", "ppo" }, sink))
			.hasMessageContaining("grpo, sft or eval");
		assertThatThrownBy(() -> PlanCommand.run(new String[] { "--model", TINY, "--memory", "4g" }, sink))
			.hasMessageContaining("unknown option --memory");
		assertThatThrownBy(() -> PlanCommand.run(new String[] { "--model", TINY, "--gpu", "lots" }, sink))
			.hasMessageContaining("not a size");
		assertThatThrownBy(() -> PlanCommand.run(new String[] { "--model", TINY, "lora_rank=16" }, sink))
			.hasMessageContaining("lora_rank does not change the memory plan");
		assertThatThrownBy(() -> PlanCommand.run(new String[] { "--model", TINY, "stray" }, sink))
			.hasMessageContaining("usage");
	}

}
