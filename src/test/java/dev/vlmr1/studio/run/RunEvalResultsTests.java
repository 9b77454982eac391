package dev.vlmr1.studio.run;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.web.CurrentUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.contains;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Per-sample evaluation results: written only under the worker's lease, replaced when a step is reported again,
 * archived with the metrics when a resumed attempt rewrites steps, and served a page at a time to the run's owner
 * only; alarm events are fenced the same way.
 */
class RunEvalResultsTests extends RunTestSupport {

	@org.springframework.beans.factory.annotation.Autowired
	dev.vlmr1.studio.web.StudioProperties studio;

	@Test
	void resultsAreFencedByTheLeaseAndReplacedPerStep() {
		drainQueue();
		RunId id = queuedRun(newUser(false));
		UUID lease = runs.claimNext("w").orElseThrow().leaseToken();
		runs.recordEvalResults(id, lease, 2, List.of(result("a", true), result("b", false)));
		runs.recordEvalResults(id, lease, 2, List.of(result("c", true)));
		assertThat(jdbc.sql("SELECT sample_id FROM run_eval_results WHERE run_id = ? AND NOT archived")
			.param(id.value()).query(String.class).list()).containsExactly("c");

		assertThatThrownBy(() -> runs.recordEvalResults(id, UUID.randomUUID(), 3, List.of(result("forged", true))))
			.isInstanceOf(LeaseLostException.class);
		assertThatThrownBy(() -> runs.recordAlarm(id, UUID.randomUUID(), 3, RunAlarm.rewardHacking("forged")))
			.isInstanceOf(LeaseLostException.class);
		runs.recordAlarm(id, lease, 2, RunAlarm.rewardHacking("training reward rose while the held-out metric fell"));
		assertThat(jdbc.sql("SELECT payload->>'message' FROM run_events WHERE run_id = ? AND type = 'ALARM'")
			.param(id.value()).query(String.class).list())
			.containsExactly("training reward rose while the held-out metric fell");

		runs.recordEvalResults(id, lease, 4, List.of(result("late", true)));
		runs.archiveMetricsAfter(id, lease, 3);
		assertThat(jdbc.sql("SELECT DISTINCT step FROM run_eval_results WHERE run_id = ? AND NOT archived")
			.param(id.value()).query(Integer.class).list()).containsExactly(2);
	}

	@Test
	void resultsArePagedFilteredAndOwnerScoped() throws Exception {
		drainQueue();
		CurrentUser alice = newUser(false);
		CurrentUser bob = newUser(false);
		RunId id = queuedRun(alice);
		UUID lease = runs.claimNext("w").orElseThrow().leaseToken();
		String api = "/api/runs/" + id.value() + "/eval-results";
		mvc.perform(get(api).with(as(alice))).andExpect(status().isOk())
			.andExpect(jsonPath("$.step").doesNotExist())
			.andExpect(jsonPath("$.total").value(0));

		List<EvalResultRecord> many = new ArrayList<>();
		for (int i = 0; i < 60; i++) {
			many.add(result("s" + i, i % 3 == 0));
		}
		runs.recordEvalResults(id, lease, 1, many);
		runs.recordEvalResults(id, lease, 5, List.of(result("later", false)));

		mvc.perform(get(api + "?step=1&page=1").with(as(alice))).andExpect(status().isOk())
			.andExpect(jsonPath("$.steps").value(contains(1, 5)))
			.andExpect(jsonPath("$.total").value(60))
			.andExpect(jsonPath("$.items.length()").value(10))
			.andExpect(jsonPath("$.items[0].sampleId").value("s50"))
			.andExpect(jsonPath("$.items[0].predictedBoxes[0].box[2]").value(30.0))
			.andExpect(jsonPath("$.items[0].truthBoxes[0].box[0]").value(10.0))
			.andExpect(jsonPath("$.items[0].iou").value(0.75));
		mvc.perform(get(api + "?step=1&correct=true").with(as(alice))).andExpect(status().isOk())
			.andExpect(jsonPath("$.total").value(20))
			.andExpect(jsonPath("$.items[1].sampleId").value("s3"));
		mvc.perform(get(api).with(as(alice))).andExpect(status().isOk())
			.andExpect(jsonPath("$.step").value(5))
			.andExpect(jsonPath("$.items[0].sampleId").value("later"));
		mvc.perform(get(api + "?step=2").with(as(alice))).andExpect(status().isNotFound());
		mvc.perform(get(api + "?page=-1").with(as(alice))).andExpect(status().isBadRequest());
		mvc.perform(get(api).with(as(bob))).andExpect(status().isNotFound());
		mvc.perform(get(api)).andExpect(status().isUnauthorized());
		mvc.perform(get("/runs/" + id.value() + "/eval-results").with(onPage(alice))).andExpect(status().isOk())
			.andExpect(jsonPath("$.total").value(1));
		mvc.perform(get("/runs/" + id.value() + "/eval-results").with(onPage(bob))).andExpect(status().isNotFound());
	}

	@Test
	void aResultsImageIsServedToTheOwnerOnly() throws Exception {
		drainQueue();
		CurrentUser alice = newUser(false);
		RunId id = queuedRun(alice);
		UUID lease = runs.claimNext("w").orElseThrow().leaseToken();
		byte[] png = java.nio.file.Files.readAllBytes(RunRolloutTests.IMAGE);
		String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(png));
		java.nio.file.Path stored = studio.artifactsDir().resolve("images").resolve(sha.substring(0, 2)).resolve(sha.substring(2));
		java.nio.file.Files.createDirectories(stored.getParent());
		java.nio.file.Files.write(stored, png);
		runs.recordEvalResults(id, lease, 1, List.of(new EvalResultRecord("s", "rec", "p", sha, List.of(), List.of(), 0.0,
				false), result("no-image", false)));
		String api = "/api/runs/" + id.value() + "/eval-results";
		mvc.perform(get(api).with(as(alice))).andExpect(status().isOk())
			.andExpect(jsonPath("$.items[0].imageUrl").value(api + "/1/0/image"))
			.andExpect(jsonPath("$.items[1].imageUrl").doesNotExist());
		mvc.perform(get(api + "/1/0/image").with(as(alice))).andExpect(status().isOk())
			.andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.content().bytes(png));
		mvc.perform(get("/runs/" + id.value() + "/eval-results/1/0/image").with(onPage(alice))).andExpect(status().isOk());
		mvc.perform(get(api + "/1/0/image").with(as(newUser(false)))).andExpect(status().isNotFound());
		mvc.perform(get(api + "/1/1/image").with(as(alice))).andExpect(status().isNotFound());
		mvc.perform(get(api + "/1/7/image").with(as(alice))).andExpect(status().isNotFound());
	}

	@Test
	void periodicEvaluationNeedsAHeldOutDatasetAndEvalRunsAreAccepted() throws Exception {
		CurrentUser alice = newUser(false);
		long model = newModel(alice);
		long dataset = newDataset(alice);
		String sft = """
				{"type": "sft", "modelId": %d, "datasetIds": [%d], "hyperparameters": {"eval_steps": 5}}"""
			.formatted(model, dataset);
		mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post("/api/runs").with(as(alice))
			.contentType(org.springframework.http.MediaType.APPLICATION_JSON).content(sft))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("evalDatasetId"))
			.andExpect(jsonPath("$.errors[0].message").value(org.hamcrest.Matchers.containsString("eval_steps > 0")));
		// without periodic evaluation nothing reads its sample count: refused, not ignored (issue 18)
		String samplesWithoutEvaluation = """
				{"type": "sft", "modelId": %d, "datasetIds": [%d], "hyperparameters": {"eval_samples": 8}}"""
			.formatted(model, dataset);
		mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post("/api/runs").with(as(alice))
			.contentType(org.springframework.http.MediaType.APPLICATION_JSON).content(samplesWithoutEvaluation))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("hyperparameters.eval_samples"))
			.andExpect(jsonPath("$.errors[0].message").value(org.hamcrest.Matchers.containsString("eval_steps > 0")));
		String withHeldOut = """
				{"type": "sft", "modelId": %d, "datasetIds": [%d], "evalDatasetId": %d,
				 "hyperparameters": {"eval_steps": 5, "eval_samples": 8, "eval_alarm_window": 4}}"""
			.formatted(model, dataset, dataset);
		mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post("/api/runs").with(as(alice))
			.contentType(org.springframework.http.MediaType.APPLICATION_JSON).content(withHeldOut))
			.andExpect(status().isCreated());
		String eval = """
				{"type": "eval", "modelId": %d, "datasetIds": [%d], "hyperparameters": {"eval_samples": 0}}"""
			.formatted(model, dataset);
		mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post("/api/runs").with(as(alice))
			.contentType(org.springframework.http.MediaType.APPLICATION_JSON).content(eval))
			.andExpect(status().isCreated())
			.andExpect(jsonPath("$.type").value(org.hamcrest.Matchers.equalToIgnoringCase("eval")));
		String tooSmallWindow = """
				{"type": "grpo", "modelId": %d, "datasetIds": [%d], "evalDatasetId": %d, "rewardConfigId": %d,
				 "hyperparameters": {"eval_steps": 1, "eval_alarm_window": 1}}"""
			.formatted(model, dataset, dataset, newRewardConfig(alice));
		mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post("/api/runs").with(as(alice))
			.contentType(org.springframework.http.MediaType.APPLICATION_JSON).content(tooSmallWindow))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("hyperparameters.eval_alarm_window"));
	}

	private static EvalResultRecord result(String sample, boolean correct) {
		return new EvalResultRecord(sample, "rec", "<answer>[1, 2, 30, 40]</answer>", null, List.of(RolloutBox.of(1, 2, 30, 40)),
				List.of(RolloutBox.of(10, 20, 30, 40)), 0.75, correct);
	}

}
