package dev.vlmr1.studio.catalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import ai.djl.ndarray.NDManager;
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

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.model.FixtureTensors;
import dev.vlmr1.studio.model.ModelInputs;
import dev.vlmr1.studio.model.QwenVlModel;
import dev.vlmr1.studio.model.lora.PeftAdapterFiles;
import dev.vlmr1.studio.web.StudioProperties;
import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * "Merge and export" over the real API: the adapter peft wrote for the tiny fixture model, registered with its base,
 * is merged in a separate process into a full checkpoint registered for the caller, whose logits equal base + adapter;
 * only the owner may merge; a full checkpoint, a base that is gone, a bad field and a merge that fails midway each
 * get a clear answer and leave no directory or row behind.
 *
 * <p>Same context configuration as {@link ModelCatalogIntegrationTests}, so they share one context.
 */
@SpringBootTest
@AutoConfigureMockMvc
@Slow
class ModelMergeIntegrationTests {

	static final Path FIXTURES = Path.of("src/test/resources/fixtures");

	private static final Duration MERGE_TIMEOUT = Duration.ofSeconds(180);

	@Autowired
	MockMvc mvc;

	@Autowired
	ApplicationContext context;

	@Autowired
	StudioProperties studio;

	@TempDir
	Path outside;

	TestUser alice;

	Path root;

	@BeforeEach
	void setUp() throws Exception {
		alice = new TestUsers(context).create("alice");
		root = context.getBean(ModelCatalog.class).importRoots().get(0).resolve("merges-" + UUID.randomUUID());
		Files.createDirectories(root);
	}

	@Test
	void mergeAndExportRegistersAFullCheckpointForTheCallerWithTheLogitsOfBasePlusAdapter() throws Exception {
		Path base = tinyBase(root.resolve("base"));
		Path adapter = peftAdapter(root.resolve("adapter"), base.toString());
		register(alice, "base", base);
		long adapterModel = register(alice, "lora", adapter);
		Set<String> before = platformModels();

		String accepted = mvc.perform(post("/api/models/" + adapterModel + "/merge").with(alice.api())
				.contentType(MediaType.APPLICATION_JSON).content("{\"name\": \"lora-merged\", \"dtype\": \"f32\"}"))
			.andExpect(status().isAccepted())
			.andExpect(header().string("Location", "/api/models/" + adapterModel + "/merges"))
			.andExpect(jsonPath("$.name").value("lora-merged"))
			.andExpect(jsonPath("$.dtype").value("f32"))
			.andExpect(jsonPath("$.sourceModelId").value(adapterModel))
			.andReturn().getResponse().getContentAsString();
		assertThat(((Number) JsonPath.read(accepted, "$.bytesExpected")).longValue())
			.as("the base's weights in F32").isEqualTo(weightBytes(base));

		String merge = awaitFinished(adapterModel);
		assertThat((String) JsonPath.read(merge, "$.state")).as(merge).isEqualTo("SUCCEEDED");
		long merged = ((Number) JsonPath.read(merge, "$.modelId")).longValue();
		String model = mvc.perform(get("/api/models/" + merged).with(alice.api()))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.name").value("lora-merged"))
			.andExpect(jsonPath("$.ownerId").value(alice.user().id()))
			.andExpect(jsonPath("$.modelType").value("qwen2_5_vl"))
			.andReturn().getResponse().getContentAsString();
		Path dir = Path.of((String) JsonPath.read(model, "$.path"));
		assertThat(dir).startsWith(ModelCatalog.platformModelsDir(studio));
		for (String file : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
				"preprocessor_config.json")) {
			assertThat(dir.resolve(file)).as(file).isRegularFile();
		}
		assertThat(dir.resolve(PeftAdapterFiles.CONFIG)).as("a full checkpoint, not an adapter").doesNotExist();
		assertThat(platformModels()).as("one new directory, no staging left")
			.containsExactlyInAnyOrderElementsOf(union(before, dir.getFileName().toString()));

		// the models page lists the merge with its result
		String page = mvc.perform(get("/models").with(alice.page())).andExpect(status().isOk())
			.andReturn().getResponse().getContentAsString();
		assertThat(page).contains("id=\"merges\"").contains("SUCCEEDED (done)").contains("model " + merged);

		// loaded back, the merged checkpoint gives the logits of base + adapter, and not the base's
		try (QwenVlModel withAdapter = QwenVlModel.load(adapter); QwenVlModel mergedModel = QwenVlModel.load(dir);
				QwenVlModel plain = QwenVlModel.load(base);
				var fixture = FixtureTensors.open("qwen2_5_vl_tiny/case_single.safetensors");
				NDManager manager = mergedModel.manager().newSubManager()) {
			assertThat(mergedModel.lora()).isNull();
			ModelInputs inputs = ModelInputs.of(fixture.array(manager, "input_ids"))
				.withImages(fixture.array(manager, "pixel_values"), fixture.matrix("image_grid_thw"));
			float[] expected = withAdapter.forward(inputs).logits().toFloatArray();
			// 1e-5 for logits of order one: x·(W + s·B·A)ᵀ and x·Wᵀ + s·(x·Aᵀ)·Bᵀ round differently in float32, and the
			// tiny model's logits reach about 12 (LoraAdaptersTests.mergeTolerance measures the same)
			float largest = FixtureTensors.maxAbsDiff(withAdapter.forward(inputs).logits(), new float[expected.length]);
			assertThat(FixtureTensors.maxAbsDiff(mergedModel.forward(inputs).logits(), expected))
				.isLessThanOrEqualTo(1e-6f * Math.max(10, largest));
			assertThat(FixtureTensors.maxAbsDiff(plain.forward(inputs).logits(), expected))
				.as("the adapter changes the logits").isGreaterThan(1e-3f);
		}
	}

	@Test
	void onlyTheOwnerMergesAndSeesMerges() throws Exception {
		Path base = tinyBase(root.resolve("base"));
		long adapterModel = register(alice, "lora", peftAdapter(root.resolve("adapter"), base.toString()));
		TestUser bob = new TestUsers(context).create("bob");
		TestUser admin = new TestUsers(context).createAdmin("root");
		for (TestUser other : List.of(bob, admin)) {
			mvc.perform(post("/api/models/" + adapterModel + "/merge").with(other.api())
					.contentType(MediaType.APPLICATION_JSON).content("{}"))
				.andExpect(status().isNotFound())
				.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
			mvc.perform(get("/api/models/" + adapterModel + "/merges").with(other.api())).andExpect(status().isNotFound());
		}
		mvc.perform(get("/api/models/" + adapterModel + "/merges").with(alice.api()))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$").isEmpty());
	}

	@Test
	void refusedMergesAreClearProblemsAndLeaveNothingBehind() throws Exception {
		Path base = tinyBase(root.resolve("base"));
		long full = register(alice, "base", base);
		long adapterModel = register(alice, "lora", peftAdapter(root.resolve("adapter"), base.toString()));
		Set<String> before = platformModels();

		expectProblem(merge(alice, full, "{}"), 400, "model-not-adapter", null);
		expectProblem(merge(alice, adapterModel, "{\"dtype\": \"int8\"}"), 400, "merge-invalid", "dtype");
		expectProblem(merge(alice, adapterModel, "{\"name\": \" \"}"), 400, "merge-invalid", "name");
		expectProblem(merge(alice, adapterModel, "{\"name\": \"base\"}"), 409, "model-exists", "name");

		// the base the adapter names was removed after it was registered
		Path gone = tinyBase(root.resolve("base-gone"));
		long orphan = register(alice, "orphan", peftAdapter(root.resolve("orphan"), gone.toString()));
		ModelMerges.deleteTree(gone);
		String detail = expectProblem(merge(alice, orphan, "{}"), 409, "merge-base-missing", null);
		assertThat(detail).contains("base model").doesNotContain(root.toString());

		// an adapter edited after registration to name a checkpoint outside the roots and not the caller's
		Path elsewhere = tinyBase(outside.resolve("not-yours"));
		Path edited = peftAdapter(root.resolve("edited"), base.toString());
		long editedModel = register(alice, "edited", edited);
		peftAdapter(Files.createDirectories(outside.resolve("scratch")), elsewhere.toString());
		Files.copy(outside.resolve("scratch").resolve(PeftAdapterFiles.CONFIG), edited.resolve(PeftAdapterFiles.CONFIG),
				java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		assertThat(expectProblem(merge(alice, editedModel, "{}"), 409, "merge-base-missing", null))
			.doesNotContain(outside.toString());

		// the models page offers the button on the caller's adapters only
		String page = mvc.perform(get("/models").with(alice.page())).andExpect(status().isOk())
			.andReturn().getResponse().getContentAsString();
		assertThat(page).contains("action=\"/models/" + adapterModel + "/merge\"").contains("Merge and export")
			.doesNotContain("action=\"/models/" + full + "/merge\"");

		// the page's form posted for a full checkpoint: the same refusal as a message, no merge
		mvc.perform(post("/models/" + full + "/merge").with(alice.page()).with(csrf()))
			.andExpect(status().is3xxRedirection())
			.andExpect(flash().attribute("error", org.hamcrest.Matchers.containsString("not a LoRA adapter")));

		assertThat(platformModels()).isEqualTo(before);
		mvc.perform(get("/api/models/" + adapterModel + "/merges").with(alice.api())).andExpect(jsonPath("$").isEmpty());
	}

	@Test
	void aMergeThatFailsMidwayIsReportedAndLeavesNoDirectoryNorModel() throws Exception {
		Path base = tinyBase(root.resolve("base"));
		Path adapter = peftAdapter(root.resolve("adapter"), base.toString());
		long adapterModel = register(alice, "lora", adapter);
		// accepted (the base is fine), but the merge process cannot read the adapter's tensors
		byte[] weights = Files.readAllBytes(adapter.resolve(PeftAdapterFiles.WEIGHTS));
		Files.write(adapter.resolve(PeftAdapterFiles.WEIGHTS), java.util.Arrays.copyOf(weights, weights.length / 2));
		Set<String> before = platformModels();
		int modelsBefore = modelCount();

		merge(alice, adapterModel, "{\"name\": \"doomed\"}").andExpect(status().isAccepted());
		String merge = awaitFinished(adapterModel);
		assertThat((String) JsonPath.read(merge, "$.state")).as(merge).isEqualTo("FAILED");
		assertThat((String) JsonPath.read(merge, "$.error")).as(merge).startsWith("the merge process failed");
		assertThat((Object) JsonPath.read(merge, "$.modelId")).isNull();
		assertThat(platformModels()).as("no staging or partial directory").isEqualTo(before);
		assertThat(modelCount()).isEqualTo(modelsBefore);
	}

	private String awaitFinished(long adapterModel) {
		String[] last = new String[1];
		await().atMost(MERGE_TIMEOUT).pollInterval(Duration.ofMillis(300)).until(() -> {
			last[0] = mvc.perform(get("/api/models/" + adapterModel + "/merges").with(alice.api()))
				.andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
			List<String> states = JsonPath.read(last[0], "$[*].state");
			return !states.isEmpty() && Set.of("SUCCEEDED", "FAILED").contains(states.get(0));
		});
		return JsonPath.parse((Object) JsonPath.read(last[0], "$[0]")).jsonString();
	}

	private ResultActions merge(TestUser user, long model, String body) throws Exception {
		return mvc.perform(post("/api/models/" + model + "/merge").with(user.api())
			.contentType(MediaType.APPLICATION_JSON).content(body));
	}

	/** Asserts a problem answer and returns its detail. */
	private static String expectProblem(ResultActions answer, int status, String type, String field) throws Exception {
		String body = answer.andExpect(status().is(status))
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andReturn().getResponse().getContentAsString();
		assertThat((String) JsonPath.read(body, "$.type")).endsWith("/" + type);
		if (field != null) {
			assertThat((String) JsonPath.read(body, "$.field")).isEqualTo(field);
		}
		String detail = JsonPath.read(body, "$.detail");
		assertThat(detail).isNotBlank();
		return detail;
	}

	private long register(TestUser user, String name, Path dir) throws Exception {
		String body = mvc.perform(post("/api/models").with(user.api()).contentType(MediaType.APPLICATION_JSON)
				.content("{\"name\": \"" + name + "\", \"path\": \"" + dir + "\"}"))
			.andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
		return ((Number) JsonPath.read(body, "$.id")).longValue();
	}

	private int modelCount() {
		return context.getBean(RegisteredModelRepository.class).findAllByOrderByIdDesc().size();
	}

	/** The entries of the platform's model folder, hidden staging directories included. */
	private Set<String> platformModels() throws Exception {
		Path dir = ModelCatalog.platformModelsDir(studio);
		if (!Files.isDirectory(dir)) {
			return Set.of();
		}
		try (Stream<Path> entries = Files.list(dir)) {
			return entries.map((p) -> p.getFileName().toString()).collect(Collectors.toSet());
		}
	}

	private static Set<String> union(Set<String> set, String element) {
		return Stream.concat(set.stream(), Stream.of(element)).collect(Collectors.toSet());
	}

	/** The bytes of the base's tensors as stored (the fixture is stored in F32). */
	private static long weightBytes(Path base) throws Exception {
		try (var reader = dev.vlmr1.studio.model.safetensors.SafetensorsReader.open(base.resolve("model.safetensors"))) {
			return reader.tensors().stream().mapToLong((t) -> t.end() - t.begin()).sum();
		}
	}

	/** The tiny fixture checkpoint (F32 weights, tokenizer, preprocessor) copied to {@code target}. */
	static Path tinyBase(Path target) throws Exception {
		Files.createDirectories(target);
		Path fixture = FIXTURES.resolve("qwen2_5_vl_tiny");
		for (String file : List.of("config.json", "model.safetensors", "generation_config.json", "tokenizer.json",
				"tokenizer_config.json", "preprocessor_config.json")) {
			if (Files.exists(fixture.resolve(file))) {
				Files.copy(fixture.resolve(file), target.resolve(file));
			}
		}
		return target;
	}

	/** The adapter peft wrote for the tiny model (fixtures/qwen2_5_vl_tiny/peft_lora), naming {@code base}. */
	static Path peftAdapter(Path target, String base) throws Exception {
		Files.createDirectories(target);
		Path fixture = FIXTURES.resolve("qwen2_5_vl_tiny/peft_lora/adapter");
		Files.copy(fixture.resolve(PeftAdapterFiles.WEIGHTS), target.resolve(PeftAdapterFiles.WEIGHTS));
		Files.writeString(target.resolve(PeftAdapterFiles.CONFIG), Files.readString(fixture.resolve(PeftAdapterFiles.CONFIG))
			.replace("\"../..\"", "\"" + base + "\""));
		return target;
	}

}
