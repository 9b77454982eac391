package dev.vlmr1.studio.catalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.web.StudioProperties;
import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A merge whose checkpoint would not fit on the data directory's disk with the configured reserve kept free is
 * refused before anything is written: 507 with the numbers, no merge queued, no directory.
 */
@SpringBootTest(properties = "studio.models.merge.disk-reserve=1000000TB")
@AutoConfigureMockMvc
@Slow
class ModelMergeDiskSpaceTests {

	@Autowired
	MockMvc mvc;

	@Autowired
	ApplicationContext context;

	@Autowired
	StudioProperties studio;

	@Test
	void aMergeThatWouldNotFitOnTheDiskIsRefusedWith507() throws Exception {
		TestUser alice = new TestUsers(context).create("alice");
		Path root = context.getBean(ModelCatalog.class).importRoots().get(0).resolve("disk-" + UUID.randomUUID());
		Path base = ModelMergeIntegrationTests.tinyBase(root.resolve("base"));
		Path adapter = ModelMergeIntegrationTests.peftAdapter(root.resolve("adapter"), base.toString());
		String registered = mvc.perform(post("/api/models").with(alice.api()).contentType(MediaType.APPLICATION_JSON)
				.content("{\"name\": \"lora\", \"path\": \"" + adapter + "\"}"))
			.andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
		long model = ((Number) JsonPath.read(registered, "$.id")).longValue();

		String body = mvc.perform(post("/api/models/" + model + "/merge").with(alice.api())
				.contentType(MediaType.APPLICATION_JSON).content("{\"dtype\": \"f32\"}"))
			.andExpect(status().isInsufficientStorage())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.type").value(org.hamcrest.Matchers.endsWith("/insufficient-storage")))
			.andReturn().getResponse().getContentAsString();
		assertThat((String) JsonPath.read(body, "$.detail")).contains("needs about").contains("GiB free")
			.contains("studio.models.merge.disk-reserve");
		assertThat(((Number) JsonPath.read(body, "$.bytesNeeded")).longValue()).isPositive();

		mvc.perform(get("/api/models/" + model + "/merges").with(alice.api())).andExpect(jsonPath("$").isEmpty());
		Path models = ModelCatalog.platformModelsDir(studio);
		try (Stream<Path> entries = Files.isDirectory(models) ? Files.list(models) : Stream.empty()) {
			assertThat(entries.map((p) -> p.getFileName().toString())).noneMatch((n) -> n.startsWith("merged-")
					|| n.startsWith(ModelMerges.STAGING_PREFIX));
		}
	}

}
