package dev.vlmr1.studio.reward.config;

import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MvcResult;

import dev.vlmr1.studio.run.RunTestSupport;
import dev.vlmr1.studio.web.CurrentUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** {@code /api/reward-configs}: validation, versioning once used, ownership and the dry run. */
class RewardConfigApiTests extends RunTestSupport {

	private static final String REC = """
			{"name": "%s", "description": "REC as in VLM-R1",
			 "terms": [{"function": "iou", "weight": 1.0, "params": {"variant": "vlmr1"}}, {"function": "format_rec"}]}""";

	@Test
	void everyViolationIsReportedWithIndexAndField() throws Exception {
		CurrentUser alice = newUser(false);
		String body = """
				{"terms": [{"function": "iuo", "weight": 1},
				           {"function": "iou", "weight": "heavy", "params": {"variant": "fancy", "bogus": 1}},
				           {"function": "format", "extra": true},
				           {"function": "format"}]}""";
		mvc.perform(post("/api/reward-configs").with(as(alice)).contentType(MediaType.APPLICATION_JSON).content(body))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.type").value("https://vlm-r1.dev/problems/reward-config-invalid"))
			.andExpect(jsonPath("$.errors[?(@.field == 'name')].index").value(-1))
			.andExpect(jsonPath("$.errors[?(@.index == 1 && @.field == 'weight')].message").isNotEmpty())
			.andExpect(jsonPath("$.errors[?(@.index == 2 && @.field == 'extra')].message")
				.value("unknown field; allowed: function, weight, params"));
		// structurally valid terms reach the registry: unknown function, bad parameter and duplicate together
		String registry = """
				{"name": "x", "terms": [{"function": "iuo"},
				   {"function": "iou", "params": {"variant": "fancy", "bogus": 1}}, {"function": "iou"}]}""";
		mvc.perform(post("/api/reward-configs").with(as(alice)).contentType(MediaType.APPLICATION_JSON).content(registry))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors", hasSize(4)))
			.andExpect(jsonPath("$.errors[*].field").value(containsInAnyOrder("function", "params.bogus",
					"params.variant", "function")))
			.andExpect(jsonPath("$.errors[0].index").value(0))
			.andExpect(jsonPath("$.errors[0].message").value(org.hamcrest.Matchers.startsWith("unknown function \"iuo\"")));
		mvc.perform(post("/api/reward-configs").with(as(alice)).contentType(MediaType.APPLICATION_JSON)
			.content("{\"name\": \"empty\", \"terms\": []}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].message").value("at least one reward function is required"));
	}

	@Test
	void unusedConfigsUpdateInPlaceUsedOnesGetANewVersion() throws Exception {
		CurrentUser alice = newUser(false);
		long id = create(alice, "rec-" + System.nanoTime());
		String name = jdbc.sql("SELECT name FROM reward_configs WHERE id = ?").param(id).query(String.class).single();
		String edited = """
				{"name": "%s", "terms": [{"function": "iou", "weight": 2.0}, {"function": "format_rec"}]}""".formatted(name);
		mvc.perform(put("/api/reward-configs/" + id).with(as(alice)).contentType(MediaType.APPLICATION_JSON).content(edited))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.id").value(id))
			.andExpect(jsonPath("$.version").value(1))
			.andExpect(jsonPath("$.terms[0].weight").value(2.0));

		// a run uses it: from now on it never changes
		long run = createRun(alice, id);
		assertThat(run).isPositive();
		String again = edited.replace("2.0", "3.0");
		MvcResult v2 = mvc.perform(put("/api/reward-configs/" + id).with(as(alice)).contentType(MediaType.APPLICATION_JSON)
			.content(again))
			.andExpect(status().isCreated())
			.andExpect(jsonPath("$.version").value(2))
			.andExpect(jsonPath("$.name").value(name))
			.andExpect(jsonPath("$.used").value(false))
			.andExpect(jsonPath("$.terms[0].weight").value(3.0))
			.andReturn();
		long newId = ((Number) com.jayway.jsonpath.JsonPath.read(v2.getResponse().getContentAsString(), "$.id")).longValue();
		assertThat(newId).isNotEqualTo(id);
		mvc.perform(get("/api/reward-configs/" + id).with(as(alice)))
			.andExpect(jsonPath("$.terms[0].weight").value(2.0))
			.andExpect(jsonPath("$.supersededBy").value(newId))
			.andExpect(jsonPath("$.used").value(true));
		mvc.perform(get("/api/runs/" + run).with(as(alice))).andExpect(jsonPath("$.rewardTerms[0].weight").value(2.0));
		mvc.perform(get("/api/reward-configs").with(as(alice)))
			.andExpect(jsonPath("$[*].id", hasItem((int) newId)))
			.andExpect(jsonPath("$[*].id", not(hasItem((int) id))));
		mvc.perform(get("/api/reward-configs?allVersions=true").with(as(alice)))
			.andExpect(jsonPath("$[*].id", hasItem((int) id)));
		// the used version cannot be deleted; the unused new one can
		mvc.perform(delete("/api/reward-configs/" + id).with(as(alice))).andExpect(status().isConflict());
		mvc.perform(delete("/api/reward-configs/" + newId).with(as(alice))).andExpect(status().isNoContent());
		mvc.perform(get("/api/reward-configs/" + id).with(as(alice))).andExpect(jsonPath("$.supersededBy").isEmpty());
	}

	@Test
	void configsAreOwnerScopedAndNamesUnique() throws Exception {
		CurrentUser alice = newUser(false);
		CurrentUser bob = newUser(false);
		CurrentUser admin = newUser(true);
		String name = "mine-" + System.nanoTime();
		long id = create(alice, name);
		mvc.perform(post("/api/reward-configs").with(as(alice)).contentType(MediaType.APPLICATION_JSON)
			.content(REC.formatted(name))).andExpect(status().isConflict());
		mvc.perform(get("/api/reward-configs/" + id).with(as(bob))).andExpect(status().isNotFound());
		mvc.perform(put("/api/reward-configs/" + id).with(as(bob)).contentType(MediaType.APPLICATION_JSON)
			.content(REC.formatted("stolen"))).andExpect(status().isNotFound());
		mvc.perform(delete("/api/reward-configs/" + id).with(as(bob))).andExpect(status().isNotFound());
		mvc.perform(get("/api/reward-configs/" + id).with(as(admin))).andExpect(status().isOk());
		mvc.perform(get("/api/reward-configs/" + id)).andExpect(status().isUnauthorized());
		mvc.perform(get("/api/reward-configs").with(as(bob))).andExpect(jsonPath("$[*].id", not(hasItem((int) id))));
		// bob cannot start a run with alice's configuration
		long bobsDataset = newDataset(bob);
		mvc.perform(post("/api/runs").with(as(bob)).contentType(MediaType.APPLICATION_JSON).content("""
				{"type": "grpo", "modelId": %d, "datasetIds": [%d], "rewardConfigId": %d,
				 "hyperparameters": {"num_generations": 2, "per_device_train_batch_size": 2}}"""
			.formatted(newModel(bob), bobsDataset, id)))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("rewardConfigId"));
	}

	@Test
	void dryRunScoresEachFunctionWithItsParse() throws Exception {
		CurrentUser alice = newUser(false);
		long id = create(alice, "dry-" + System.nanoTime());
		String body = """
				{"completions": ["<think>the dog</think><answer>{\\"bbox_2d\\": [10, 10, 50, 50]}</answer>", "no idea"],
				 "samples": [{"question": "the dog", "solution": "[10, 10, 50, 50]",
				              "images": [{"width": 100, "height": 100, "gridH": 4, "gridW": 4}]}]}""";
		MvcResult result = mvc.perform(post("/api/reward-configs/" + id + "/dry-run").with(as(alice))
			.contentType(MediaType.APPLICATION_JSON).content(body))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.functions").value(containsInAnyOrder("iou", "format_rec")))
			.andExpect(jsonPath("$.completions", hasSize(2)))
			.andExpect(jsonPath("$.completions[1].total").value(0.0))
			.andReturn();
		String json = result.getResponse().getContentAsString();
		assertThat(json).contains("\"function\":\"format_rec\"").contains("rescaledBox");
		Double formatScore = com.jayway.jsonpath.JsonPath.read(json, "$.completions[0].functions[1].score");
		assertThat(formatScore).isEqualTo(1.0);
		mvc.perform(post("/api/reward-configs/" + id + "/dry-run").with(as(alice)).contentType(MediaType.APPLICATION_JSON)
			.content("{\"completions\": [], \"samples\": [{}]}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[*].field").value(containsInAnyOrder("completions", "samples.solution")));
	}

	private long create(CurrentUser user, String name) throws Exception {
		MvcResult result = mvc.perform(post("/api/reward-configs").with(as(user)).contentType(MediaType.APPLICATION_JSON)
			.content(REC.formatted(name)))
			.andExpect(status().isCreated())
			.andExpect(jsonPath("$.version").value(1))
			.andExpect(jsonPath("$.terms[0].params.variant").value("vlmr1"))
			.andExpect(jsonPath("$.terms[1].weight").value(1.0))
			.andReturn();
		return ((Number) com.jayway.jsonpath.JsonPath.read(result.getResponse().getContentAsString(), "$.id")).longValue();
	}

	private long createRun(CurrentUser user, long configId) throws Exception {
		MvcResult result = mvc.perform(post("/api/runs").with(as(user)).contentType(MediaType.APPLICATION_JSON).content("""
				{"type": "grpo", "modelId": %d, "datasetIds": [%d], "rewardConfigId": %d,
				 "hyperparameters": {"num_generations": 2, "per_device_train_batch_size": 2}}"""
			.formatted(newModel(user), newDataset(user), configId)))
			.andExpect(status().isCreated())
			.andReturn();
		return ((Number) com.jayway.jsonpath.JsonPath.read(result.getResponse().getContentAsString(), "$.id")).longValue();
	}

}
