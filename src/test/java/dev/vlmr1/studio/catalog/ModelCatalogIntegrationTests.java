package dev.vlmr1.studio.catalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import dev.vlmr1.studio.web.StudioProperties;
import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The model registry over the real API and database, with the tiny fixture checkpoints copied under the allowed
 * root (the test data directory): valid registrations, every invalid case with its field, and owner scoping.
 */
@SpringBootTest
@AutoConfigureMockMvc
class ModelCatalogIntegrationTests {

	private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

	@Autowired
	MockMvc mvc;

	@Autowired
	ApplicationContext context;

	@Autowired
	StudioProperties studio;

	@TempDir
	Path outside;

	TestUser alice;

	TestUser bob;

	Path root;

	@BeforeEach
	void setUp() throws Exception {
		var users = new TestUsers(context);
		alice = users.create("alice");
		bob = users.create("bob");
		root = context.getBean(ModelCatalog.class).importRoots().get(0).resolve("models-" + UUID.randomUUID());
		Files.createDirectories(root);
	}

	@Test
	void registersAQwen25VlCheckpoint() throws Exception {
		Path dir = copyFixture("qwen2_5_vl_tiny", root.resolve("tiny25"));
		String body = register(alice, "tiny", dir.toString()).andExpect(status().isCreated())
			.andExpect(header().string("Location", org.hamcrest.Matchers.startsWith("/api/models/")))
			.andExpect(jsonPath("$.name").value("tiny"))
			.andExpect(jsonPath("$.modelType").value("qwen2_5_vl"))
			.andExpect(jsonPath("$.path").value(dir.toRealPath().toString()))
			.andExpect(jsonPath("$.ownerId").value(alice.user().id()))
			.andExpect(jsonPath("$.sourceRunId").isEmpty())
			.andReturn()
			.getResponse()
			.getContentAsString();
		long id = ((Number) JsonPath.read(body, "$.id")).longValue();
		mvc.perform(get("/api/models/" + id).with(alice.api())).andExpect(status().isOk())
			.andExpect(jsonPath("$.name").value("tiny"));
		mvc.perform(get("/api/models").with(alice.api())).andExpect(jsonPath("$[?(@.id == " + id + ")].name").value("tiny"));
	}

	@Test
	void registersAQwen2VlCheckpointAndAShardedOne() throws Exception {
		register(alice, "tiny2", copyFixture("qwen2_vl_tiny", root.resolve("tiny2")).toString())
			.andExpect(status().isCreated())
			.andExpect(jsonPath("$.modelType").value("qwen2_vl"));

		Path sharded = shardedCheckpoint(root.resolve("sharded"));
		register(alice, "sharded", sharded.toString()).andExpect(status().isCreated());

		Files.delete(sharded.resolve("model-00002-of-00002.safetensors"));
		expectInvalid(register(alice, "sharded-2", sharded.toString()), "weights")
			.andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("model-00002-of-00002.safetensors")));
	}

	@Test
	void eachInvalidPathNamesThePathField() throws Exception {
		Path valid = copyFixture("qwen2_5_vl_tiny", root.resolve("valid"));
		expectInvalid(register(alice, "m", "relative/dir"), "path");
		expectInvalid(register(alice, "m", ""), "path");
		expectInvalid(register(alice, "m", root + "/valid/../valid"), "path");
		expectInvalid(register(alice, "m", root.resolve("missing").toString()), "path");
		expectInvalid(register(alice, "m", valid.resolve("config.json").toString()), "path");
		// a perfectly good checkpoint outside the allowed roots
		Path foreign = copyFixture("qwen2_5_vl_tiny", outside.resolve("elsewhere"));
		expectInvalid(register(alice, "m", foreign.toString()), "path");
		// ... reached through a symbolic link inside the root
		Path link = Files.createSymbolicLink(root.resolve("link"), foreign);
		expectInvalid(register(alice, "m", link.toString()), "path")
			.andExpect(jsonPath("$.detail").value("no checkpoint directory at this path within the import roots"));
		expectInvalid(register(alice, "m", "/etc"), "path");
		mvc.perform(post("/api/models").with(alice.api()).contentType(MediaType.APPLICATION_JSON).content("{\"name\":\"m\"}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.field").value("path"));
		mvc.perform(post("/api/models").with(alice.api())
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"path\":\"" + valid + "\"}")).andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("name"));
		mvc.perform(get("/api/models").with(alice.api())).andExpect(jsonPath("$").isEmpty());
	}

	@Test
	void eachInvalidCheckpointNamesTheField() throws Exception {
		Path noConfig = copyFixture("qwen2_5_vl_tiny", root.resolve("no-config"));
		Files.delete(noConfig.resolve("config.json"));
		expectInvalid(register(alice, "m", noConfig.toString()), "config.json");

		Path badJson = copyFixture("qwen2_5_vl_tiny", root.resolve("bad-json"));
		Files.writeString(badJson.resolve("config.json"), "{\"model_type\": ");
		expectInvalid(register(alice, "m", badJson.toString()), "config.json");

		Path llama = copyFixture("qwen2_5_vl_tiny", root.resolve("llama"));
		Files.writeString(llama.resolve("config.json"), "{\"model_type\": \"llama\"}");
		expectInvalid(register(alice, "m", llama.toString()), "model_type")
			.andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("llama")));

		// only text_config names a model type: the root is what counts
		Path nested = copyFixture("qwen2_5_vl_tiny", root.resolve("nested"));
		Files.writeString(nested.resolve("config.json"), "{\"text_config\": {\"model_type\": \"qwen2_5_vl\"}}");
		expectInvalid(register(alice, "m", nested.toString()), "model_type");

		Path noWeights = copyFixture("qwen2_5_vl_tiny", root.resolve("no-weights"));
		Files.delete(noWeights.resolve("model.safetensors"));
		expectInvalid(register(alice, "m", noWeights.toString()), "weights");

		Path fakeWeights = copyFixture("qwen2_5_vl_tiny", root.resolve("fake-weights"));
		Files.writeString(fakeWeights.resolve("model.safetensors"), "<html>not weights</html>");
		expectInvalid(register(alice, "m", fakeWeights.toString()), "weights");

		Path escapingShard = shardedCheckpoint(root.resolve("escaping"));
		Files.writeString(escapingShard.resolve("model.safetensors.index.json"),
				"{\"weight_map\": {\"a\": \"../valid/model.safetensors\"}}");
		expectInvalid(register(alice, "m", escapingShard.toString()), "weights");

		Path linkedConfig = copyFixture("qwen2_5_vl_tiny", root.resolve("linked-config"));
		Path outsideConfig = Files.copy(FIXTURES.resolve("qwen2_5_vl_tiny/config.json"), outside.resolve("config.json"));
		Files.delete(linkedConfig.resolve("config.json"));
		Files.createSymbolicLink(linkedConfig.resolve("config.json"), outsideConfig);
		expectInvalid(register(alice, "m", linkedConfig.toString()), "config.json");
	}

	@Test
	void registersALoraAdapterWhoseBaseIsACheckpointAndRefusesABadOne() throws Exception {
		Path base = copyFixture("qwen2_5_vl_tiny", root.resolve("base"));
		Path adapter = peftAdapter(root.resolve("adapter"), base.toString());
		register(alice, "lora", adapter.toString()).andExpect(status().isCreated())
			.andExpect(jsonPath("$.modelType").value("qwen2_5_vl"));
		// peft's own fixture names its base relative to itself
		Path relative = peftAdapter(base.resolve("lora-relative"), "..");
		register(alice, "lora-relative", relative.toString()).andExpect(status().isCreated());

		expectInvalid(register(alice, "m", peftAdapter(root.resolve("no-base"), root.resolve("gone").toString()).toString()),
				"base_model_name_or_path");
		expectInvalid(register(alice, "m", peftAdapter(root.resolve("foreign-base"), outside.toString()).toString()),
				"base_model_name_or_path")
			.andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("nor one of your models")));
		expectInvalid(register(alice, "m", peftAdapter(root.resolve("adapter-on-adapter"), adapter.toString()).toString()),
				"base_model_name_or_path");
		Path noWeights = peftAdapter(root.resolve("no-adapter-weights"), base.toString());
		Files.delete(noWeights.resolve("adapter_model.safetensors"));
		expectInvalid(register(alice, "m", noWeights.toString()), "weights");
		Path ia3 = peftAdapter(root.resolve("ia3"), base.toString());
		Files.writeString(ia3.resolve("adapter_config.json"), "{\"peft_type\": \"IA3\", \"base_model_name_or_path\": \""
				+ base + "\"}");
		expectInvalid(register(alice, "m", ia3.toString()), "peft_type");
	}

	/** The adapter peft wrote for the tiny model (fixtures/qwen2_5_vl_tiny/peft_lora), naming {@code base}. */
	private static Path peftAdapter(Path target, String base) throws Exception {
		Files.createDirectories(target);
		Path fixture = FIXTURES.resolve("qwen2_5_vl_tiny/peft_lora/adapter");
		Files.copy(fixture.resolve("adapter_model.safetensors"), target.resolve("adapter_model.safetensors"));
		Files.writeString(target.resolve("adapter_config.json"), Files.readString(fixture.resolve("adapter_config.json"))
			.replace("\"../..\"", "\"" + base + "\""));
		return target;
	}

	@Test
	void anotherOwnersModelIsIndistinguishableFromAMissingOne() throws Exception {
		Path dir = copyFixture("qwen2_5_vl_tiny", root.resolve("private"));
		long id = idOf(register(alice, "private", dir.toString()).andExpect(status().isCreated()));
		long missing = id + 1_000_000;

		String foreign = mvc.perform(get("/api/models/" + id).with(bob.api()))
			.andExpect(status().isNotFound())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andReturn()
			.getResponse()
			.getContentAsString();
		String absent = mvc.perform(get("/api/models/" + missing).with(bob.api()))
			.andExpect(status().isNotFound())
			.andReturn()
			.getResponse()
			.getContentAsString();
		assertThat(foreign.replaceAll("(models/|Model )" + id, "$1ID"))
			.isEqualTo(absent.replaceAll("(models/|Model )" + missing, "$1ID"));
		mvc.perform(delete("/api/models/" + id).with(bob.api())).andExpect(status().isNotFound());
		mvc.perform(get("/api/models").with(bob.api())).andExpect(jsonPath("$[?(@.id == " + id + ")]").isEmpty());

		TestUser admin = new TestUsers(context).createAdmin("root");
		mvc.perform(get("/api/models/" + id).with(admin.api())).andExpect(status().isOk());
		mvc.perform(get("/api/models").with(admin.api())).andExpect(jsonPath("$[?(@.id == " + id + ")].name").value("private"));

		// the same name is free for another owner, taken for the same one
		register(bob, "private", dir.toString()).andExpect(status().isCreated());
		register(alice, "private", dir.toString()).andExpect(status().isConflict()).andExpect(jsonPath("$.field").value("name"));

		mvc.perform(delete("/api/models/" + id).with(alice.api())).andExpect(status().isNoContent());
		mvc.perform(get("/api/models/" + id).with(alice.api())).andExpect(status().isNotFound());
		assertThat(dir.resolve("model.safetensors")).exists();
	}

	@Test
	void theModelsPageListsAndRegisters() throws Exception {
		Path dir = copyFixture("qwen2_5_vl_tiny", root.resolve("page"));
		mvc.perform(post("/models").param("name", "from-page").param("path", dir.toString()).with(alice.page()).with(csrf()))
			.andExpect(redirectedUrl("/models"))
			.andExpect(flash().attribute("registered", "from-page"));
		mvc.perform(post("/models").param("name", "bad").param("path", "/etc").with(alice.page()).with(csrf()))
			.andExpect(redirectedUrl("/models"))
			.andExpect(flash().attribute("error", "no checkpoint directory at this path within the import roots"));
		String html = mvc.perform(get("/models").with(alice.page()))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString();
		assertThat(html).contains("from-page", "qwen2_5_vl", dir.toRealPath().toString(), "name=\"_csrf\"");
		assertThat(mvc.perform(get("/models").with(bob.page())).andReturn().getResponse().getContentAsString())
			.doesNotContain("from-page");
	}

	private ResultActions register(TestUser user, String name, String path) throws Exception {
		String json = "{\"name\":\"" + name + "\",\"path\":\"" + path.replace("\\", "\\\\") + "\"}";
		return mvc.perform(post("/api/models").with(user.api()).contentType(MediaType.APPLICATION_JSON).content(json));
	}

	private static ResultActions expectInvalid(ResultActions result, String field) throws Exception {
		return result.andExpect(status().isBadRequest())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.type").value("https://vlm-r1.dev/problems/model-invalid"))
			.andExpect(jsonPath("$.field").value(field));
	}

	private static long idOf(ResultActions result) throws Exception {
		return ((Number) JsonPath.read(result.andReturn().getResponse().getContentAsString(), "$.id")).longValue();
	}

	private static Path copyFixture(String fixture, Path target) throws Exception {
		Files.createDirectories(target);
		Files.copy(FIXTURES.resolve(fixture).resolve("config.json"), target.resolve("config.json"));
		Files.copy(FIXTURES.resolve(fixture).resolve("model.safetensors"), target.resolve("model.safetensors"));
		return target;
	}

	/** The tiny checkpoint with its weights split in an index and two shard files (the same file twice). */
	private static Path shardedCheckpoint(Path target) throws Exception {
		copyFixture("qwen2_5_vl_tiny", target);
		Files.move(target.resolve("model.safetensors"), target.resolve("model-00001-of-00002.safetensors"));
		Files.copy(target.resolve("model-00001-of-00002.safetensors"), target.resolve("model-00002-of-00002.safetensors"));
		Files.writeString(target.resolve("model.safetensors.index.json"), """
				{"metadata": {"total_size": 1}, "weight_map": {
				  "model.embed_tokens.weight": "model-00001-of-00002.safetensors",
				  "lm_head.weight": "model-00002-of-00002.safetensors"}}""");
		return target;
	}

}
