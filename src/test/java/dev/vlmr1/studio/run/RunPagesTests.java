package dev.vlmr1.studio.run;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.web.CurrentUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrlPattern;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The run pages: list, new-run form (errors shown, nothing queued), run page, cancel button. */
class RunPagesTests extends RunTestSupport {

	@Test
	void newRunFormShowsDefaultsAndEveryProblemReadably() throws Exception {
		CurrentUser alice = newUser(false);
		mvc.perform(get("/runs/new").with(onPage(alice)))
			.andExpect(status().isOk())
			.andExpect(content().string(allOf(containsString("name=\"hp.learning_rate\""), containsString("value=\"1.0E-6\""),
					containsString("name=\"hp.num_generations\""), containsString("<option value=\"dr_grpo\">"))));
		mvc.perform(post("/runs").with(onPage(alice)).with(csrf())
			.param("type", "grpo")
			.param("datasetIds", "abc")
			.param("hp.num_generations", "1")
			.param("hp.learning_rate", "fast")
			.param("hp.top_p", "2"))
			.andExpect(status().isOk())
			.andExpect(content().string(allOf(containsString("the run was not queued"),
					containsString("hyperparameters.num_generations: must be ≥ 2; got 1"),
					containsString("hyperparameters.learning_rate: must be a finite number; got the string &quot;fast&quot;"),
					containsString("hyperparameters.top_p: must be ≤ 1; got 2"), containsString("modelId: is required"),
					containsString("rewardConfigId: is required for grpo runs"), containsString("class=\"invalid\""))));
		assertThat(jdbc.sql("SELECT count(*) FROM runs WHERE owner_id = ?").param(alice.id()).query(Long.class).single())
			.isZero();
	}

	@Test
	void formQueuesARunAndTheRunPageCancelsIt() throws Exception {
		CurrentUser alice = newUser(false);
		CurrentUser bob = newUser(false);
		long model = newModel(alice);
		long dataset = newDataset(alice);
		long config = newRewardConfig(alice);
		String location = mvc.perform(post("/runs").with(onPage(alice)).with(csrf())
			.param("type", "grpo")
			.param("modelId", Long.toString(model))
			.param("datasetIds", Long.toString(dataset))
			.param("rewardConfigId", Long.toString(config))
			.param("hp.num_generations", "4")
			.param("hp.per_device_train_batch_size", "4")
			.param("hp.loss_type", "dapo")
			.param("hp.freeze_vision", "true"))
			.andExpect(status().is3xxRedirection())
			.andExpect(redirectedUrlPattern("/runs/*"))
			.andReturn()
			.getResponse()
			.getRedirectedUrl();
		long id = Long.parseLong(location.substring("/runs/".length()));
		RunDetails run = details(new RunId(id));
		assertThat(run.hyperparameters()).containsAllEntriesOf(Map.of("loss_type", "dapo", "freeze_vision", true,
				"num_generations", 4, "learning_rate", 1e-6));

		mvc.perform(get("/runs").with(onPage(alice)))
			.andExpect(content().string(allOf(containsString("/runs/" + id), containsString("state-QUEUED"))));
		mvc.perform(get("/runs").with(onPage(bob))).andExpect(content().string(not(containsString("/runs/" + id + "\""))));
		mvc.perform(get("/runs/" + id).with(onPage(alice)))
			.andExpect(status().isOk())
			.andExpect(content().string(allOf(containsString("data-events-url=\"/runs/" + id + "/events\""),
					containsString("/app/run-live.js"), containsString("Cancel run"), containsString("dapo"))));
		mvc.perform(get("/runs/" + id).with(onPage(bob))).andExpect(status().isNotFound());
		mvc.perform(post("/runs/" + id + "/cancel").with(onPage(bob)).with(csrf())).andExpect(status().isNotFound());
		mvc.perform(post("/runs/" + id + "/cancel").with(onPage(alice))).andExpect(status().isForbidden());
		mvc.perform(post("/runs/" + id + "/cancel").with(onPage(alice)).with(csrf()))
			.andExpect(redirectedUrl("/runs/" + id));
		assertThat(details(new RunId(id)).state()).isEqualTo(RunState.CANCELLED);
		mvc.perform(get("/runs/" + id).with(onPage(alice)))
			.andExpect(content().string(allOf(containsString("state-CANCELLED"), not(containsString("Cancel run")))));
	}

	@Test
	void anonymousVisitorsAreSentToLogin() throws Exception {
		mvc.perform(get("/runs")).andExpect(status().is3xxRedirection()).andExpect(redirectedUrl("/login"));
	}

}
