package dev.vlmr1.studio.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.jayway.jsonpath.JsonPath;

import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.AbstractMockHttpServletRequestBuilder;

import dev.vlmr1.studio.catalog.ModelCatalog;
import dev.vlmr1.studio.web.TestModels;
import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * The data T4.1 runs against, built once per test class through the production code: alice and bob (plain users)
 * and an administrator, each owning several objects of every kind, plus alice's READ token and a revoked one.
 */
final class MatrixWorld {

	/** An id that no table holds (sequences in a test database never get near it). */
	static final long MISSING = 987_654_321L;

	private static final List<String> CHECKPOINT_FILES = List.of("config.json", "model.safetensors",
			"generation_config.json", "preprocessor_config.json", "tokenizer.json", "tokenizer_config.json");

	private static final AtomicLong UNIQUE = new AtomicLong(System.nanoTime());

	final TestUser alice;

	final TestUser bob;

	final TestUser admin;

	/** alice's READ-scoped token. */
	final String aliceRead;

	/** alice's token after revocation. */
	final String aliceRevoked;

	final Path checkpoint;

	private final MockMvc mvc;

	private final JdbcClient jdbc;

	private final ModelCatalog models;

	private final ApiTokens tokens;

	/** Seeded objects by user id and kind (never consumed by the matrix: consuming calls get fresh ones). */
	private final Map<Long, Map<MatrixResource, List<Long>>> seeded = new HashMap<>();

	/** The model, dataset and reward configuration each user's create-run bodies name. */
	private final Map<Long, Map<String, Long>> references = new HashMap<>();

	/** Uploads seeded by their numeric upload id: the owner's user id (progress is kept in memory, not a table). */
	private final Map<Long, Long> uploads = new ConcurrentHashMap<>();

	/** Seeds {@code perKind} objects of every kind for each user. */
	MatrixWorld(ApplicationContext context, MockMvc mvc, int perKind) throws Exception {
		this.mvc = mvc;
		this.jdbc = context.getBean(JdbcClient.class);
		this.models = context.getBean(ModelCatalog.class);
		this.tokens = context.getBean(ApiTokens.class);
		TestUsers users = new TestUsers(context);
		alice = users.create("alice");
		bob = users.create("bob");
		admin = users.createAdmin("admin");
		aliceRead = users.newToken(alice, TokenScope.READ);
		aliceRevoked = users.newToken(alice, TokenScope.WRITE);
		long revokedId = tokens.list(alice.user()).stream().filter(t -> aliceRevoked.contains(t.prefix())).findFirst()
			.orElseThrow().id();
		tokens.revoke(alice.user(), revokedId);
		checkpoint = TestModels.importRoot(context).resolve("authz-" + UUID.randomUUID()).resolve("tiny");
		Files.createDirectories(checkpoint);
		for (String file : CHECKPOINT_FILES) {
			Files.copy(Path.of("src/test/resources/fixtures/qwen2_5_vl_tiny", file), checkpoint.resolve(file));
		}
		for (TestUser user : List.of(alice, bob, admin)) {
			references.put(user.user().id(), Map.of("model", create(MatrixResource.MODEL, user), "dataset",
					create(MatrixResource.DATASET, user), "rewardConfig", create(MatrixResource.REWARD_CONFIG, user)));
			Map<MatrixResource, List<Long>> byKind = new EnumMap<>(MatrixResource.class);
			for (MatrixResource kind : MatrixResource.values()) {
				List<Long> ids = new ArrayList<>();
				for (int i = 0; kind != MatrixResource.NONE && i < perKind; i++) {
					ids.add(create(kind, user));
				}
				byKind.put(kind, ids);
			}
			seeded.put(user.user().id(), byKind);
		}
	}

	static String unique() {
		return Long.toString(UNIQUE.incrementAndGet(), 36);
	}

	/** The objects of {@code kind} seeded for {@code user}. */
	List<Long> seeded(TestUser user, MatrixResource kind) {
		return seeded.get(user.user().id()).get(kind);
	}

	/** The id of {@code user}'s model, dataset or reward configuration named in run bodies. */
	Map<String, Long> references(TestUser user) {
		return references.get(user.user().id());
	}

	/** A new object of {@code kind} owned by {@code owner}, made through the production code. */
	long create(MatrixResource kind, TestUser owner) throws Exception {
		return switch (kind) {
			case MODEL -> models.register(owner.user(), "m-" + unique(), checkpoint.toString()).id();
			case REWARD_CONFIG -> postForId(owner, "/api/reward-configs",
					AuthorizationMatrix.REWARD_CONFIG_BODY.replace("${unique}", unique()));
			case RUN -> {
				long id = postForId(owner, "/api/runs", runBody(references(owner)));
				// one evaluation result naming the seeded image (workers write these under their lease), so the
				// result image endpoints have something to serve
				jdbc.sql("""
						INSERT INTO run_eval_results (run_id, attempt, step, idx, sample_id, task_type, prediction, image,
						  predicted_boxes, truth_boxes, correct) VALUES (?, 1, 1, 0, 's', 'rec', 'p', ?, '[]', '[]', false)""")
					.params(id, MatrixDatasets.IMAGE_SHA256)
					.update();
				yield id;
			}
			case FINISHED_RUN -> {
				long id = create(MatrixResource.RUN, owner);
				mvc.perform(post("/api/runs/" + id + "/cancel").with(owner.api())).andReturn();
				yield id;
			}
			case TOKEN -> tokens.issue(owner.user(), "seed-" + unique(), TokenScope.READ, null).id();
			case DATASET -> upload(owner, UNIQUE.incrementAndGet());
			case UPLOAD -> {
				long uploadId = UNIQUE.incrementAndGet();
				upload(owner, uploadId);
				uploads.put(uploadId, owner.user().id());
				yield uploadId;
			}
			case EXPERIMENT -> postForId(owner, "/api/experiments", AuthorizationMatrix.EXPERIMENT_BODY);
			case NONE -> throw new IllegalArgumentException("nothing to create");
		};
	}

	static String runBody(Map<String, Long> refs) {
		String body = AuthorizationMatrix.RUN_BODY;
		for (var ref : refs.entrySet()) {
			body = body.replace("${" + ref.getKey() + "}", Long.toString(ref.getValue()));
		}
		return body;
	}

	/** The owner of a stored object, or -1 when there is none. */
	long ownerOf(MatrixResource kind, long id) {
		String table = switch (kind) {
			case MODEL -> "SELECT owner_id FROM models WHERE id = ?";
			case REWARD_CONFIG -> "SELECT owner_id FROM reward_configs WHERE id = ?";
			case RUN, FINISHED_RUN -> "SELECT owner_id FROM runs WHERE id = ?";
			case TOKEN -> "SELECT user_id FROM api_tokens WHERE id = ?";
			case DATASET -> "SELECT owner_id FROM datasets WHERE id = ?";
			case EXPERIMENT -> "SELECT owner_id FROM experiments WHERE id = ?";
			case UPLOAD -> null;
			case NONE -> throw new IllegalArgumentException("no table");
		};
		if (table == null) {
			return uploads.getOrDefault(id, -1L);
		}
		return jdbc.sql(table).param(id).query(Long.class).optional().orElse(-1L);
	}

	/** Whether a seeded object is still usable: not deleted, a queued run not cancelled, a token not revoked. */
	boolean isLive(MatrixResource kind, long id) {
		String sql = switch (kind) {
			case RUN -> "SELECT count(*) FROM runs WHERE id = ? AND state <> 'CANCELLED'";
			case TOKEN -> "SELECT count(*) FROM api_tokens WHERE id = ? AND revoked_at IS NULL";
			default -> null;
		};
		return sql == null ? ownerOf(kind, id) != -1 : jdbc.sql(sql).param(id).query(Long.class).single() == 1;
	}

	private long upload(TestUser owner, long uploadId) throws Exception {
		return created("/api/datasets", MatrixDatasets.upload("/api/datasets", "ds-" + unique(), uploadId).with(owner.api()));
	}

	private long postForId(TestUser owner, String path, String body) throws Exception {
		return created(path, post(path).with(owner.api()).contentType(MediaType.APPLICATION_JSON).content(body));
	}

	private long created(String path, AbstractMockHttpServletRequestBuilder<?> request) throws Exception {
		var response = mvc.perform(request).andReturn().getResponse();
		if (response.getStatus() != 201) {
			throw new IllegalStateException(path + " -> " + response.getStatus() + " " + response.getContentAsString());
		}
		return ((Number) JsonPath.read(response.getContentAsString(), "$.id")).longValue();
	}

}
