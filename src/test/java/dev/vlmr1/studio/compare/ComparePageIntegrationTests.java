package dev.vlmr1.studio.compare;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.test.web.servlet.MockMvc;

import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The {@code /compare} page: the run picker, the final table, the CSV link, escaping of user-controlled names. */
@SpringBootTest
@AutoConfigureMockMvc
class ComparePageIntegrationTests {

	static final String XSS = "<img src=x onerror=alert(1)>";

	static final String ESCAPED = "&lt;img src=x onerror=alert(1)&gt;";

	@Autowired
	MockMvc mvc;

	@Autowired
	ApplicationContext context;

	ComparisonSeeds seeds;

	TestUser alice;

	TestUser bob;

	@BeforeEach
	void setUp() throws Exception {
		seeds = new ComparisonSeeds(mvc, context);
		TestUsers users = new TestUsers(context);
		alice = users.create("alice");
		bob = users.create("bob");
	}

	@Test
	void picksRunsAndShowsTheFinalTable() throws Exception {
		long model = seeds.model(alice, "tiny-base");
		long grpo = seeds.start(alice, "grpo", model)
			.step(1, Map.of("reward", 0.25, "eval/rec_accuracy", 0.5))
			.step(2, Map.of("reward", 0.75, "eval/rec_accuracy", 0.625))
			.succeed()
			.id();
		long sft = seeds.start(alice, "sft", model).step(1, Map.of("loss", 1.5, "eval/rec_accuracy", 0.4375)).id();
		long foreign = seeds.start(bob, "sft", seeds.model(bob, "bobs-model")).id();

		mvc.perform(get("/compare").with(alice.page()))
			.andExpect(status().isOk())
			.andExpect(content().string(allOf(containsString("name=\"runs\" id=\"run-" + grpo + "\" value=\"" + grpo + "\""),
					containsString("#" + grpo + " grpo · tiny-base"), containsString("#" + sft + " sft · tiny-base"),
					containsString("href=\"/compare\""), not(containsString("bobs-model")),
					not(containsString("id=\"final-metrics\"")))));

		mvc.perform(get("/compare?runs=" + grpo + "&runs=" + sft).with(alice.page()))
			.andExpect(status().isOk())
			.andExpect(content().string(allOf(containsString("id=\"final-metrics\""),
					containsString("<code>eval/rec_accuracy</code>"), containsString("<strong>0.625</strong>"),
					containsString("<strong>0.4375</strong>"), containsString("best 0.75 @ 2"),
					containsString("href=\"/compare.csv?runs=" + grpo + "," + sft + "\""), containsString("Download CSV"),
					containsString("data-data-url=\"/compare/data?runs=" + grpo + "," + sft + "\""),
					containsString("/app/compare-charts.js"), containsString("value=\"" + sft + "\" checked"),
					containsString("state-SUCCEEDED"))))
			// the better final value is marked; key hyperparameters side by side (SFT has no G)
			.andExpect(content().string(allOf(containsString("<strong>0.625</strong><span class=\"ok lead\""),
					not(containsString("<strong>0.4375</strong><span")),
					containsString("<td><code>num_generations</code></td>\n        <td>4</td>\n        <td>—</td>"),
					containsString("<td><code>learning_rate</code></td>\n        <td>1.0E-5</td>\n        <td>1.0E-5</td>"))));

		mvc.perform(get("/compare.csv?runs=" + grpo + "," + sft).with(alice.page()))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString(sft + ",#" + sft + " sft · tiny-base,sft,RUNNING,eval/rec_accuracy,true,1,0.4375,1,0.4375")));

		mvc.perform(get("/compare?runs=" + grpo + "," + foreign).with(alice.page())).andExpect(status().isNotFound());
		mvc.perform(get("/compare/data?runs=" + foreign).with(alice.page())).andExpect(status().isNotFound());
	}

	@Test
	void userControlledNamesAreShownAsLiteralText() throws Exception {
		long run = seeds.start(alice, "sft", seeds.model(alice, XSS))
			.step(1, Map.of("<b>loss</b>", 1.0, "=HYPERLINK(\"http://x\")", 2.0))
			.id();
		mvc.perform(get("/compare").with(alice.page()))
			.andExpect(content().string(allOf(containsString(ESCAPED), not(containsString(XSS)))));
		mvc.perform(get("/compare?runs=" + run).with(alice.page()))
			.andExpect(status().isOk())
			.andExpect(content().string(allOf(containsString("#" + run + " sft · " + ESCAPED),
					containsString("&lt;b&gt;loss&lt;/b&gt;"), containsString("=HYPERLINK(&quot;http://x&quot;)"),
					not(containsString(XSS)), not(containsString("<b>loss")))));
	}

	@Test
	void aBadSelectionIsExplainedOnThePage() throws Exception {
		StringBuilder query = new StringBuilder("/compare?runs=");
		for (int i = 1; i <= 11; i++) {
			query.append(900_000_000 + i).append(i < 11 ? "," : "");
		}
		mvc.perform(get(query.toString()).with(alice.page()))
			.andExpect(status().isOk())
			.andExpect(content().string(allOf(containsString("id=\"compare-error\""), containsString("1 to 10 run ids"))));
		mvc.perform(get("/compare")).andExpect(status().is3xxRedirection()).andExpect(redirectedUrl("/login"));
	}

}
