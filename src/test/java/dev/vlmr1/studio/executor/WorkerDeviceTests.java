package dev.vlmr1.studio.executor;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.run.RunId;
import dev.vlmr1.studio.run.RunState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A worker told to train on CUDA ({@code studio.executor.device=cuda}) on a machine whose libtorch sees no GPU (this
 * one: the CPU flavour): the attempt fails at once as SETUP, not retried, with what was asked and what the worker
 * saw; the worker itself goes on.
 */
class WorkerDeviceTests extends ExecutorTestSupport {

	@Override
	protected Map<String, Object> settings() {
		return Map.of("studio.executor.device", "cuda");
	}

	@Test
	void cudaWithoutAGpuFailsTheAttemptAsSetupNamingTheSettingAndTheVisibleDevices() {
		assertThat(properties().device()).isEqualTo("cuda");
		RunId grpo = queueReal("GRPO");
		RunId eval = queueReal("EVAL");
		Worker worker = worker("w");

		assertThat(worker.runOnce()).contains(AttemptResult.FAILED);
		assertThat(worker.runOnce()).contains(AttemptResult.FAILED);

		for (RunId id : List.of(grpo, eval)) {
			assertThat(state(id)).isEqualTo(RunState.FAILED);
			assertThat(runs.find(id).orElseThrow().stateReason())
				.startsWith("SETUP: studio.executor.device=cuda but libtorch sees no CUDA device (CUDA_VISIBLE_DEVICES=")
				.contains("a CUDA run needs the CUDA libtorch flavour and a visible GPU");
			assertThat(jdbc.sql("SELECT count(*) FROM run_attempts WHERE run_id = ?").param(id.value()).query(Integer.class)
				.single()).as("SETUP is not retried").isEqualTo(1);
		}
	}

	@Test
	void anUnknownDeviceSettingIsRefusedWhenTheSettingsAreRead() {
		assertThatThrownBy(() -> new ExecutorProperties(properties().heartbeat(), properties().progressTimeout(),
				properties().sweepInterval(), properties().retryBase(), properties().retryMax(), properties().pollInterval(),
				properties().fatalExitCodes(), true, "real", "", properties().local(), properties().preemptGrace(), "tpu"))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("studio.executor.device must be auto, cpu or cuda, got 'tpu'");
	}

	/** A queued run for the real trainer (no fake_trainer): it never gets as far as its model. */
	private RunId queueReal(String type) {
		return new RunId(jdbc.sql("""
				INSERT INTO runs (owner_id, type, state, model_id, hyperparameters, max_attempts)
				VALUES (1, ?, 'QUEUED', 1, '{}'::jsonb, 3) RETURNING id""")
			.param(type)
			.query(Long.class)
			.single());
	}

}
