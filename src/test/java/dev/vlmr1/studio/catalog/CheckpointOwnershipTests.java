package dev.vlmr1.studio.catalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.StudioProperties;
import dev.vlmr1.studio.web.TestModels;
import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * Issue 11, class 2: a user's checkpoints are theirs. Registration by path reads only from the import roots, which
 * never include the data directory; a run's checkpoints reach the catalog only through that run; and no answer
 * reveals a server path or whether something outside the caller's reach exists.
 */
@SpringBootTest
@AutoConfigureMockMvc
@Slow
class CheckpointOwnershipTests {

	private static final Path FIXTURE = Path.of("src/test/resources/fixtures/qwen2_5_vl_tiny");

	private static final String NO_DIRECTORY = "no checkpoint directory at this path within the import roots";

	@Autowired
	MockMvc mvc;

	@Autowired
	ApplicationContext context;

	@Autowired
	StudioProperties studio;

	@Autowired
	ModelCatalog catalog;

	@Autowired
	JdbcClient jdbc;

	@TempDir
	Path outside;

	TestUser alice;

	TestUser bob;

	Path imports;

	@BeforeEach
	void setUp() throws Exception {
		var users = new TestUsers(context);
		alice = users.create("alice");
		bob = users.create("bob");
		imports = Files.createDirectories(TestModels.importRoot(context).resolve("own-" + UUID.randomUUID()));
	}

	@Test
	void anotherUsersRunCheckpointCannotBeRegisteredByPath() throws Exception {
		Path runCheckpoint = copyCheckpoint(runDirectory(987_654).resolve("step-2"));
		for (TestUser user : List.of(bob, alice)) {
			Problem problem = register(user, runCheckpoint.toString());
			assertThat(problem.status()).isEqualTo(400);
			assertThat(problem.detail()).isEqualTo(NO_DIRECTORY);
		}
		assertThat(modelsAt(runCheckpoint)).isZero();
	}

	@Test
	void nothingInTheDataDirectoryCanBeRegisteredByPath() throws Exception {
		String created = mvc.perform(post("/api/models/tiny").with(alice.api())
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"name\":\"alices-tiny\",\"seed\":1}")).andReturn().getResponse().getContentAsString();
		long tinyId = ((Number) JsonPath.read(created, "$.id")).longValue();
		Path tinyDir = Path.of(jdbc.sql("SELECT path FROM models WHERE id = ?").param(tinyId).query(String.class).single());
		assertThat(tinyDir).startsWith(studio.dataDir().toRealPath());

		Path data = studio.dataDir().toAbsolutePath();
		Path checkpointInDataDir = copyCheckpoint(data.resolve("planted-" + UUID.randomUUID()));
		for (Path path : List.of(tinyDir, checkpointInDataDir, data, data.resolve("models"), studio.artifactsDir())) {
			Problem problem = register(bob, path.toString());
			assertThat(problem.status()).as(path.toString()).isEqualTo(400);
			assertThat(problem.detail()).isEqualTo(NO_DIRECTORY);
		}
		assertThat(modelsAt(tinyDir)).isOne();
	}

	@Test
	void answersRevealNeitherServerPathsNorWhetherAPathExists() throws Exception {
		Path outsideCheckpoint = copyCheckpoint(outside.resolve("weights"));
		Path dataCheckpoint = copyCheckpoint(runDirectory(987_655).resolve("step-1"));
		Map<String, Path> paths = new LinkedHashMap<>();
		paths.put("an existing checkpoint outside the roots", outsideCheckpoint);
		paths.put("a missing path outside the roots", outside.resolve("no-such-dir"));
		paths.put("a system directory", Path.of("/etc"));
		paths.put("the file system root", Path.of("/"));
		paths.put("another user's run checkpoint", dataCheckpoint);
		paths.put("a missing run checkpoint", runDirectory(987_655).resolve("step-9"));
		paths.put("a missing path inside the roots", imports.resolve("missing"));
		paths.put("a file inside the roots", Files.writeString(imports.resolve("file"), "x"));
		paths.put("a link to an existing checkpoint outside",
				Files.createSymbolicLink(imports.resolve("to-outside"), outsideCheckpoint));
		paths.put("a link to a missing path outside",
				Files.createSymbolicLink(imports.resolve("to-nowhere"), outside.resolve("gone")));
		paths.put("a link to a run checkpoint", Files.createSymbolicLink(imports.resolve("to-run"), dataCheckpoint));
		List<String> details = new ArrayList<>();
		for (var entry : paths.entrySet()) {
			Problem problem = register(bob, entry.getValue().toString());
			assertThat(problem.status()).as(entry.getKey()).isEqualTo(400);
			assertThat(problem.field()).as(entry.getKey()).isEqualTo("path");
			details.add(problem.detail());
			assertThat(problem.body()).as(entry.getKey())
				.doesNotContain(outside.toString(), studio.dataDir().toAbsolutePath().toString(),
						imports.toString(), "/tmp", "/etc");
		}
		assertThat(details).as("one answer for every path out of reach").containsOnly(NO_DIRECTORY);
	}

	@Test
	void aFileLinkedOutsideTheRootsLooksExactlyLikeAMissingOne() throws Exception {
		Path outsideConfig = Files.copy(FIXTURE.resolve("config.json"), outside.resolve("config.json"));
		Path linked = copyCheckpoint(imports.resolve("linked"));
		Files.delete(linked.resolve("config.json"));
		Files.createSymbolicLink(linked.resolve("config.json"), outsideConfig);
		Path dangling = copyCheckpoint(imports.resolve("dangling"));
		Files.delete(dangling.resolve("config.json"));
		Files.createSymbolicLink(dangling.resolve("config.json"), outside.resolve("no-config.json"));
		Path missing = copyCheckpoint(imports.resolve("missing"));
		Files.delete(missing.resolve("config.json"));

		Path linkedWeights = copyCheckpoint(imports.resolve("linked-weights"));
		Files.delete(linkedWeights.resolve("model.safetensors"));
		Files.createSymbolicLink(linkedWeights.resolve("model.safetensors"),
				Files.copy(FIXTURE.resolve("model.safetensors"), outside.resolve("model.safetensors")));
		Path noWeights = copyCheckpoint(imports.resolve("no-weights"));
		Files.delete(noWeights.resolve("model.safetensors"));

		assertThat(List.of(register(bob, linked.toString()), register(bob, dangling.toString()),
				register(bob, missing.toString())))
			.extracting(Problem::body)
			.containsOnly(register(bob, missing.toString()).body());
		assertThat(register(bob, linkedWeights.toString()).body()).isEqualTo(register(bob, noWeights.toString()).body());
	}

	@Test
	void aRunCheckpointIsRegisteredOnlyFromThatRunsOwnDirectoryForItsOwner() throws Exception {
		Path other = copyCheckpoint(runDirectory(987_656).resolve("step-3"));
		assertThatThrownBy(() -> catalog.registerRunCheckpoint(987_657, alice.user().id(), "stolen", other.toString()))
			.isInstanceOfSatisfying(ApiProblem.class, problem -> assertThat(problem.getStatusCode().value()).isEqualTo(400));
		Path escaping = Files.createDirectories(runDirectory(987_657));
		Files.createSymbolicLink(escaping.resolve("step-3"), other);
		assertThatThrownBy(() -> catalog.registerRunCheckpoint(987_657, alice.user().id(), "linked",
				escaping.resolve("step-3").toString())).isInstanceOf(ApiProblem.class);

		CatalogModel own = catalog.registerRunCheckpoint(987_656, alice.user().id(), "own", other.toString());
		assertThat(own.ownerId()).isEqualTo(alice.user().id());
		assertThat(own.sourceRunId()).isEqualTo(987_656L);
	}

	@Test
	void importRootsThatOverlapTheDataDirectoryAreRefused() throws Exception {
		Path data = Files.createDirectories(outside.resolve("data"));
		Path linkToData = Files.createSymbolicLink(outside.resolve("link-to-data"), data);
		for (Path root : List.of(data, outside, data.resolve("artifacts"), data.resolve("imports"), linkToData,
				linkToData.resolve("artifacts"))) {
			assertThatThrownBy(() -> ImportRoots.requireOutsideDataDir(List.of(root), data)).as(root.toString())
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("studio.models.import-roots");
		}
		ImportRoots.requireOutsideDataDir(List.of(Files.createDirectories(outside.resolve("imports"))), data);
	}

	@Test
	void anotherUsersModelIdIsRefusedByEveryEndpointThatLoadsAModel() throws Exception {
		Path dir = copyCheckpoint(imports.resolve("alices"));
		String created = mvc.perform(post("/api/models").with(alice.api())
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"name\":\"alices\",\"path\":\"" + dir + "\"}")).andReturn().getResponse().getContentAsString();
		long alicesModel = ((Number) JsonPath.read(created, "$.id")).longValue();
		long missing = alicesModel + 1_000_000;
		String image = Base64.getEncoder()
			.encodeToString(Files.readAllBytes(Path.of("src/test/resources/fixtures/images/b_100x70.png")));
		Map<String, String> bodies = Map.of("/api/demo/rec",
				"{\"image\":\"" + image + "\",\"modelId\":%d,\"expression\":\"the circle\"}", "/api/demo/ovd",
				"{\"image\":\"" + image + "\",\"modelId\":%d,\"labels\":\"circle\"}", "/api/v1/chat/completions",
				"{\"model\":\"%d\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
		for (var endpoint : bodies.entrySet()) {
			MvcResult foreign = mvc.perform(post(endpoint.getKey()).with(bob.api())
				.contentType(MediaType.APPLICATION_JSON)
				.content(endpoint.getValue().formatted(alicesModel))).andReturn();
			MvcResult absent = mvc.perform(post(endpoint.getKey()).with(bob.api())
				.contentType(MediaType.APPLICATION_JSON)
				.content(endpoint.getValue().formatted(missing))).andReturn();
			assertThat(foreign.getResponse().getStatus()).as(endpoint.getKey()).isEqualTo(404);
			assertThat(foreign.getResponse().getContentAsString().replace("Model " + alicesModel, "Model ID"))
				.as(endpoint.getKey())
				.isEqualTo(absent.getResponse().getContentAsString().replace("Model " + missing, "Model ID"));
		}
	}

	private record Problem(int status, String body) {

		String detail() {
			return JsonPath.read(body, "$.detail");
		}

		String field() {
			return JsonPath.read(body, "$.field");
		}

	}

	private Problem register(TestUser user, String path) throws Exception {
		String json = "{\"name\":\"m-" + UUID.randomUUID() + "\",\"path\":\"" + path.replace("\\", "\\\\") + "\"}";
		var response = mvc.perform(post("/api/models").with(user.api()).contentType(MediaType.APPLICATION_JSON).content(json))
			.andReturn()
			.getResponse();
		return new Problem(response.getStatus(), response.getContentAsString());
	}

	private Path runDirectory(long runId) {
		return studio.artifactsDir().toAbsolutePath().resolve("runs").resolve(Long.toString(runId));
	}

	private long modelsAt(Path dir) throws Exception {
		return jdbc.sql("SELECT count(*) FROM models WHERE path = ?").param(dir.toRealPath().toString())
			.query(Long.class)
			.single();
	}

	private static Path copyCheckpoint(Path target) throws Exception {
		Files.createDirectories(target);
		for (String file : new String[] { "config.json", "model.safetensors" }) {
			Files.copy(FIXTURE.resolve(file), target.resolve(file));
		}
		return target;
	}

}
