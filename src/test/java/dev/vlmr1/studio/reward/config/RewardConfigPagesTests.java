package dev.vlmr1.studio.reward.config;

import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.run.RunTestSupport;
import dev.vlmr1.studio.web.CurrentUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrlPattern;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The reward pages: the form with function rows, readable errors, and editing. */
class RewardConfigPagesTests extends RunTestSupport {

	@Test
	void formShowsEveryProblemPerRowAndSavesNothing() throws Exception {
		CurrentUser alice = newUser(false);
		mvc.perform(get("/rewards/new").with(onPage(alice)))
			.andExpect(status().isOk())
			.andExpect(content().string(allOf(containsString("<option value=\"od_length\">"),
					containsString("name=\"params\""))));
		mvc.perform(post("/rewards").with(onPage(alice)).with(csrf())
			.param("name", "")
			.param("function", "iou", "format_rec", "")
			.param("weight", "heavy", "1", "1")
			.param("params", "{\"variant\": \"fancy\"}", "not json", "{}"))
			.andExpect(status().isOk())
			.andExpect(content().string(allOf(containsString("nothing was saved"), containsString("name: is required"),
					containsString("Row 1 · weight: must be a number"), containsString("Row 2 · params: must be an object"))));
		assertThat(jdbc.sql("SELECT count(*) FROM reward_configs WHERE owner_id = ?").param(alice.id())
			.query(Long.class).single()).isZero();
	}

	@Test
	void createListAndEdit() throws Exception {
		CurrentUser alice = newUser(false);
		String name = "page-" + System.nanoTime();
		mvc.perform(post("/rewards").with(onPage(alice)).with(csrf())
			.param("name", name)
			.param("description", "REC")
			.param("function", "iou", "format_rec", "")
			.param("weight", "1.0", "0.5", "1.0")
			.param("params", "{\"variant\": \"standard\"}", "{}", "{}"))
			.andExpect(redirectedUrlPattern("/rewards?saved=*"));
		long id = jdbc.sql("SELECT id FROM reward_configs WHERE owner_id = ? AND name = ?").params(alice.id(), name)
			.query(Long.class).single();
		mvc.perform(get("/rewards").with(onPage(alice)))
			.andExpect(content().string(allOf(containsString(name), containsString("format_rec"))));
		mvc.perform(get("/rewards/" + id + "/edit").with(onPage(alice)))
			.andExpect(status().isOk())
			.andExpect(content().string(allOf(containsString("{&quot;variant&quot;:&quot;standard&quot;}"),
					containsString("Dry run"), containsString("/rewards/" + id + "/dry-run"))));
		CurrentUser bob = newUser(false);
		mvc.perform(get("/rewards/" + id + "/edit").with(onPage(bob))).andExpect(status().isNotFound());
	}

}
