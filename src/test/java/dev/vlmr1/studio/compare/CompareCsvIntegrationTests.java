package dev.vlmr1.studio.compare;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.servlet.MockMvc;

import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * {@code GET /api/compare.csv}: RFC 4180 quoting and formula-injection protection (RELIABILITY.md T3.9) on names
 * that users and workers control (model names, free-text metric names), as a download.
 */
@SpringBootTest
@AutoConfigureMockMvc
class CompareCsvIntegrationTests {

	static final String HYPERLINK = "=HYPERLINK(\"http://x\")";

	@Autowired
	MockMvc mvc;

	@Autowired
	ApplicationContext context;

	ComparisonSeeds seeds;

	TestUser alice;

	@BeforeEach
	void setUp() throws Exception {
		seeds = new ComparisonSeeds(mvc, context);
		alice = new TestUsers(context).create("alice");
	}

	@Test
	void finalTableIsQuotedAndNeutralised() throws Exception {
		long run = seeds.start(alice, "sft", seeds.model(alice, "tiny, \"v2\"")).step(1, injectionMetrics(1.0))
			.step(2, Map.of("loss", -0.25))
			.id();
		String name = "\"#" + run + " sft · tiny, \"\"v2\"\"\"";
		String prefix = run + "," + name + ",sft,RUNNING,";
		String body = mvc.perform(get("/api/compare.csv?runs=" + run).with(alice.api()))
			.andExpect(status().isOk())
			.andExpect(content().contentType("text/csv;charset=UTF-8"))
			.andExpect(header().string(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"comparison-" + run + ".csv\""))
			.andReturn()
			.getResponse()
			.getContentAsString();
		assertThat(body.split("\r\n", -1)).containsExactly(
				"run_id,run,type,state,metric,eval,last_step,last_value,best_step,best_value",
				// a negative number stays a number; the loss is best at its lowest
				prefix + "loss,false,2,-0.25,2,-0.25",
				prefix + "'\tTAB,false,1,1.0,,",
				prefix + "'+1,false,1,1.0,,",
				prefix + "'-1,false,1,1.0,,",
				prefix + "\"'=HYPERLINK(\"\"http://x\"\")\",false,1,1.0,,",
				prefix + "'@SUM(1),false,1,1.0,,",
				"");

		// the JSON API returns the same names raw, escaped only as JSON
		mvc.perform(get("/api/compare?runs=" + run).with(alice.api()))
			.andExpect(jsonPath("$.metrics[4]").value(HYPERLINK))
			.andExpect(jsonPath("$.metrics[1]").value("\tTAB"))
			.andExpect(jsonPath("$.runs[0].name").value("#" + run + " sft · tiny, \"v2\""));
	}

	@Test
	void curvesInLongFormat() throws Exception {
		long model = seeds.model(alice, "base");
		long a = seeds.start(alice, "grpo", model)
			.step(1, Map.of("reward", 0.25))
			.step(2, Map.of("reward", 0.5, "eval/ovd_map", 0.125))
			.id();
		long b = seeds.start(alice, "sft", model).step(1, injectionMetrics(-1.5)).id();
		String body = mvc.perform(get("/api/compare.csv?part=curves&runs=" + a + "," + b + "&metrics=reward,eval/ovd_map")
			.with(alice.api()))
			.andExpect(status().isOk())
			.andExpect(header().string(HttpHeaders.CONTENT_DISPOSITION,
					"attachment; filename=\"comparison-curves-" + a + "-" + b + ".csv\""))
			.andReturn()
			.getResponse()
			.getContentAsString();
		assertThat(body).isEqualTo("run_id,run,metric,step,value\r\n" + a + ",#" + a + " grpo · base,reward,1,0.25\r\n" + a
				+ ",#" + a + " grpo · base,reward,2,0.5\r\n" + a + ",#" + a + " grpo · base,eval/ovd_map,2,0.125\r\n");

		String injected = mvc.perform(get("/api/compare.csv?part=curves&runs=" + b).with(alice.api()))
			.andReturn()
			.getResponse()
			.getContentAsString();
		assertThat(injected.split("\r\n")).hasSize(6)
			.contains(b + ",#" + b + " sft · base,\"'=HYPERLINK(\"\"http://x\"\")\",1,-1.5", b + ",#" + b + " sft · base,'-1,1,-1.5");
	}

	private static Map<String, Double> injectionMetrics(double value) {
		Map<String, Double> metrics = new LinkedHashMap<>();
		for (String name : new String[] { HYPERLINK, "@SUM(1)", "+1", "-1", "\tTAB" }) {
			metrics.put(name, value);
		}
		return metrics;
	}

}
