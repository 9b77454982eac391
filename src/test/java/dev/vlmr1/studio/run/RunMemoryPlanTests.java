package dev.vlmr1.studio.run;

import java.nio.file.Path;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MvcResult;

import dev.vlmr1.studio.plan.ByteSize;
import dev.vlmr1.studio.plan.MemoryBudget;
import dev.vlmr1.studio.web.CurrentUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.matchesPattern;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The memory plan at run creation: a run that cannot fit in a worker (64 GiB in the tests) is refused with the
 * numbers and the cheapest change that fits, and that change is then accepted; the plan of a draft is served to
 * the API and the new-run page.
 */
class RunMemoryPlanTests extends RunTestSupport {

	static final Path TINY = Path.of("src/test/resources/fixtures/qwen2_5_vl_tiny").toAbsolutePath();

	/** G = 8 completions of 1024 + 256 tokens, 256 per micro-batch: far more than 64 GiB of activations. */
	static final String TOO_BIG = """
			{"num_generations": 8, "per_device_train_batch_size": 256, "gradient_accumulation_steps": 1}""";

	@Autowired
	private MemoryBudget budget;

	@Test
	void aRunThatCannotFitIsRefusedWithTheNumbersAndTheCheapestChangeThatFits() throws Exception {
		CurrentUser alice = newUser(false);
		String key = UUID.randomUUID().toString();
		MvcResult refused = mvc.perform(post("/api/runs").with(as(alice)).header("Idempotency-Key", key)
			.contentType(MediaType.APPLICATION_JSON).content(body(alice, TOO_BIG)))
			.andExpect(status().isUnprocessableContent())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.type").value("https://vlm-r1.dev/problems/run-does-not-fit"))
			.andExpect(jsonPath("$.detail").value(matchesPattern(
					"the run needs about \\d+ GiB; a worker has 64 GiB; with per_device_train_batch_size=\\d+ about \\d+ GiB")))
			.andExpect(jsonPath("$.availableBytes").value(64 * ByteSize.GIB))
			.andExpect(jsonPath("$.requiredBytes").value(greaterThan(64 * ByteSize.GIB)))
			.andExpect(jsonPath("$.estimate[?(@.name == 'activations')].bytes").isNotEmpty())
			.andReturn();
		assertThat(budget.capacityBytes()).isEqualTo(64 * ByteSize.GIB);
		assertThat(runCount(alice)).isZero();

		// the suggestion is a setting that fits: the same request with it is queued, under the same key (unused)
		int rows = JsonPath.read(refused.getResponse().getContentAsString(),
				"$.suggestion.values.per_device_train_batch_size");
		assertThat(rows).isLessThan(256).isPositive();
		String suggested = TOO_BIG.replace("\"per_device_train_batch_size\": 256", "\"per_device_train_batch_size\": " + rows);
		mvc.perform(post("/api/runs").with(as(alice)).header("Idempotency-Key", key)
			.contentType(MediaType.APPLICATION_JSON).content(body(alice, suggested)))
			.andExpect(status().isCreated());
		assertThat(runCount(alice)).isOne();
	}

	@Test
	void theNewRunPageShowsWhyARunIsNotQueued() throws Exception {
		CurrentUser alice = newUser(false);
		mvc.perform(post("/runs").with(onPage(alice)).with(csrf())
			.param("type", "grpo")
			.param("modelId", Long.toString(tinyModel(alice)))
			.param("datasetIds", Long.toString(newDataset(alice)))
			.param("rewardConfigId", Long.toString(newRewardConfig(alice)))
			.param("hp.num_generations", "8")
			.param("hp.per_device_train_batch_size", "256")
			.param("hp.gradient_accumulation_steps", "1"))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("the run was not queued")))
			.andExpect(content().string(containsString("a worker has 64 GiB; with per_device_train_batch_size=")));
		assertThat(runCount(alice)).isZero();
	}

	@Test
	void theDraftPlanNamesWhatTakesTheMemory() throws Exception {
		CurrentUser alice = newUser(false);
		long model = tinyModel(alice);
		String draft = """
				{"type": "grpo", "modelId": %d, "hyperparameters": {"num_generations": 2, "per_device_train_batch_size": 2,
				 "max_prompt_length": 64, "max_completion_length": 32, "beta": 0.04}}""".formatted(model);
		mvc.perform(post("/api/runs/plan").with(as(alice)).contentType(MediaType.APPLICATION_JSON).content(draft))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.fits").value(true))
			.andExpect(jsonPath("$.availableBytes").value(64 * ByteSize.GIB))
			.andExpect(jsonPath("$.summary").value(matchesPattern("needs about \\d+(\\.\\d)? GiB; a worker has 64 GiB")))
			.andExpect(jsonPath("$.sequenceTokens").value(96))
			.andExpect(jsonPath("$.parts[*].name").value(org.hamcrest.Matchers.hasItems("weights", "reference",
					"gradients", "optimizer", "activations")))
			.andExpect(jsonPath("$.suggestion").doesNotExist());
		// the page's twin takes the form's fields; datasets and rewards may still be missing
		mvc.perform(post("/runs/plan").with(onPage(alice)).with(csrf())
			.param("type", "sft")
			.param("modelId", Long.toString(model))
			.param("hp.per_device_train_batch_size", "64")
			.param("hp.max_prompt_length", "8192"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.fits").value(false))
			.andExpect(jsonPath("$.suggestion.change").value(containsString("per_device_train_batch_size=")));
		// its problems are problem JSON as on /api, for the page's script to show
		mvc.perform(post("/runs/plan").with(onPage(alice)).with(csrf()).param("type", "grpo"))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.errors[0].field").value("modelId"));
	}

	@Test
	void aDraftWithBadValuesOrSomeoneElsesModelIsRefused() throws Exception {
		CurrentUser alice = newUser(false);
		CurrentUser bob = newUser(false);
		long bobsModel = tinyModel(bob);
		mvc.perform(post("/api/runs/plan").with(as(alice)).contentType(MediaType.APPLICATION_JSON)
			.content("{\"type\": \"grpo\", \"modelId\": " + bobsModel + "}"))
			.andExpect(status().isNotFound());
		mvc.perform(post("/api/runs/plan").with(as(alice)).contentType(MediaType.APPLICATION_JSON)
			.content("{\"type\": \"ppo\", \"modelId\": " + tinyModel(alice)
					+ ", \"hyperparameters\": {\"per_device_train_batch_size\": 0, \"lora_r\": \"big\"}}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[*].field").value(org.hamcrest.Matchers.containsInAnyOrder("type",
					"hyperparameters.per_device_train_batch_size", "hyperparameters.lora_r")));
		mvc.perform(post("/api/runs/plan").with(as(alice)).contentType(MediaType.APPLICATION_JSON).content("{\"type\": \"sft\"}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("modelId"));
		// a registered directory whose config.json went missing: no plan, said so
		mvc.perform(post("/api/runs/plan").with(as(alice)).contentType(MediaType.APPLICATION_JSON)
			.content("{\"type\": \"sft\", \"modelId\": " + newModel(alice) + "}"))
			.andExpect(status().isUnprocessableContent())
			.andExpect(jsonPath("$.type").value("https://vlm-r1.dev/problems/model-unreadable"));
	}

	private String body(CurrentUser owner, String hyperparameters) {
		return """
				{"type": "grpo", "modelId": %d, "datasetIds": [%d], "rewardConfigId": %d, "hyperparameters": %s}"""
			.formatted(tinyModel(owner), newDataset(owner), newRewardConfig(owner), hyperparameters);
	}

	/** The tiny fixture checkpoint registered for {@code owner}: a model whose config.json the plan reads. */
	private long tinyModel(CurrentUser owner) {
		return jdbc.sql("INSERT INTO models (owner_id, name, path, model_type) VALUES (?, ?, ?, 'qwen2_5_vl') RETURNING id")
			.params(owner.id(), "tiny-" + UUID.randomUUID(), TINY.toString())
			.query(Long.class)
			.single();
	}

	private long runCount(CurrentUser owner) {
		return jdbc.sql("SELECT count(*) FROM runs WHERE owner_id = ?").param(owner.id()).query(Long.class).single();
	}


}
