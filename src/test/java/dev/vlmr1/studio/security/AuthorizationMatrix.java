package dev.vlmr1.studio.security;

import java.util.List;

import org.jspecify.annotations.Nullable;

import static dev.vlmr1.studio.security.MatrixResource.DATASET;
import static dev.vlmr1.studio.security.MatrixResource.EXPERIMENT;
import static dev.vlmr1.studio.security.MatrixResource.FINISHED_RUN;
import static dev.vlmr1.studio.security.MatrixResource.MODEL;
import static dev.vlmr1.studio.security.MatrixResource.REWARD_CONFIG;
import static dev.vlmr1.studio.security.MatrixResource.RUN;
import static dev.vlmr1.studio.security.MatrixResource.TOKEN;
import static dev.vlmr1.studio.security.MatrixResource.UPLOAD;

/**
 * T4.1's authorization matrix (RELIABILITY.md §4.5): one entry per handler mapping, keyed {@code "METHOD pattern"}
 * exactly as Spring MVC maps it. {@link AuthorizationMatrixTests} fails when a mapped handler has no entry here
 * (deny by default: a new endpoint must state who may call it) or an entry names no handler.
 *
 * <p>An entry states the status of an <em>authorized</em> call; every other cell follows from the rules in
 * {@link MatrixExpectations}: anonymous and revoked tokens 401, READ tokens 403 on writes, someone else's resource
 * 404 exactly like a missing one, admins reach everyone's resources unless the entry is {@code ownerOnly()}.
 *
 * <p>Body and form templates may use {@code {id}} (the resource, where the body names it instead of the path),
 * {@code ${model}}, {@code ${dataset}}, {@code ${rewardConfig}} (the caller's own resources, or a foreign or
 * missing one in the reference checks), {@code ${checkpoint}} (a valid checkpoint directory), {@code ${image}}
 * (the SHA-256 of the image in every seeded dataset) and {@code ${unique}} (a fresh name suffix).
 *
 * <p>Entries marked {@code pending(branch)} belong to a branch not merged yet: they are checked once it is.
 */
final class AuthorizationMatrix {

	private static final String DEMO = "demo";

	static final String RUN_BODY = """
			{"type": "grpo", "modelId": ${model}, "datasetIds": [${dataset}], "evalDatasetId": ${dataset},
			 "rewardConfigId": ${rewardConfig}}""";

	static final String RUN_FORM = "type=grpo&modelId=${model}&datasetIds=${dataset}&evalDatasetId=${dataset}"
			+ "&rewardConfigId=${rewardConfig}";

	static final String REWARD_CONFIG_BODY = """
			{"name": "rc-${unique}", "terms": [{"function": "iou", "weight": 1.0}, {"function": "format_rec"}]}""";

	static final String DRY_RUN_BODY = """
			{"completions": ["<think>a</think><answer>[10, 10, 50, 50]</answer>", "no idea"],
			 "samples": [{"question": "the dog", "solution": "[10, 10, 50, 50]"}]}""";

	/** A demo request whose image is not an image: refused (400) only after the model's owner check. */
	static final String DEMO_BODY = """
			{"modelId": {id}, "image": "bm90IGFuIGltYWdl", "expression": "the red square", "labels": "square"}""";

	static final String CHAT_BODY = """
			{"model": "{id}", "messages": [{"role": "user", "content": [{"type": "image_url",
			 "image_url": {"url": "data:image/png;base64,bm90IGFuIGltYWdl"}}]}]}""";

	/** A scaled-down experiment: it is stored at once, its objects are made in the background. */
	static final String EXPERIMENT_BODY = """
			{"pretrainSamples": 2, "trainSamples": 2, "testSamples": 1, "baseSteps": 1, "armSteps": 1}""";

	static final String EXPERIMENT_FORM = "pretrainSamples=2&trainSamples=2&testSamples=1&baseSteps=1&armSteps=1";

	static final String REWARD_CONFIG_FORM = "name=rc-${unique}&function=iou&weight=1.0&params={}";

	static final List<MatrixEntry> ENTRIES = List.of(
	// @formatter:off
		// catalog
		api("GET /api/models").lists(MODEL, "$[*].id"),
		api("POST /api/models").succeeds(201).json("{\"name\": \"m-${unique}\", \"path\": \"${checkpoint}\"}"),
		api("GET /api/models/{id}").on(MODEL).succeeds(200),
		api("DELETE /api/models/{id}").on(MODEL).consumes().succeeds(204),
		page("GET /models").lists(MODEL, "models"),
		page("POST /models").succeeds(302).form("name=m-${unique}&path=${checkpoint}"),
		page("POST /models/{id}/delete").on(MODEL).consumes().succeeds(302),
		// merge and export: the matrix's model is a full checkpoint, so the owner's call is refused (400) after the
		// owner check; owner-only, administrators included (the merged copy would land in the caller's catalog)
		api("POST /api/models/{id}/merge").on(MODEL).ownerOnly().succeeds(400).json("{\"dtype\": \"f32\"}"),
		api("GET /api/models/{id}/merges").on(MODEL).ownerOnly().succeeds(200),
		page("POST /models/{id}/merge").on(MODEL).ownerOnly().succeeds(302).form("dtype=f32"),
		// reward configurations
		api("GET /api/reward-configs").lists(REWARD_CONFIG, "$[*].id").query("allVersions=true"),
		api("GET /api/reward-configs/functions").succeeds(200),
		api("POST /api/reward-configs").succeeds(201).json(REWARD_CONFIG_BODY),
		api("GET /api/reward-configs/{id}").on(REWARD_CONFIG).succeeds(200),
		api("PUT /api/reward-configs/{id}").on(REWARD_CONFIG).succeeds(200).json(REWARD_CONFIG_BODY),
		api("DELETE /api/reward-configs/{id}").on(REWARD_CONFIG).consumes().succeeds(204),
		api("POST /api/reward-configs/{id}/dry-run").on(REWARD_CONFIG).succeeds(200).json(DRY_RUN_BODY),
		page("GET /rewards").lists(REWARD_CONFIG, "configs"),
		page("GET /rewards/new").succeeds(200),
		page("POST /rewards").succeeds(302).form(REWARD_CONFIG_FORM),
		page("GET /rewards/{id}/edit").on(REWARD_CONFIG).succeeds(200),
		page("POST /rewards/{id}").on(REWARD_CONFIG).succeeds(302).form(REWARD_CONFIG_FORM),
		page("POST /rewards/{id}/delete").on(REWARD_CONFIG).consumes().succeeds(302),
		page("POST /rewards/{id}/dry-run").on(REWARD_CONFIG).succeeds(200).json(DRY_RUN_BODY),
		// runs
		api("GET /api/runs").lists(RUN, "$.items[*].id").query("size=100"),
		api("POST /api/runs").succeeds(201).json(RUN_BODY),
		api("POST /api/runs/plan").on(MODEL).succeeds(200).json("{\"type\": \"grpo\", \"modelId\": {id}}"),
		api("GET /api/runs/{id}").on(RUN).succeeds(200),
		api("POST /api/runs/{id}/cancel").on(RUN).consumes().succeeds(200),
		api("GET /api/runs/{id}/metrics").on(RUN).succeeds(200),
		api("GET /api/runs/{id}/attempts").on(RUN).succeeds(200),
		api("GET /api/runs/{id}/checkpoints").on(RUN).succeeds(200),
		api("GET /api/runs/{id}/eval-results").on(RUN).succeeds(200),
		api("GET /api/runs/{id}/eval-results/{step}/{idx}/image").on(RUN).at("/api/runs/{id}/eval-results/1/0/image")
			.succeeds(200),
		api("GET /api/runs/{id}/events").on(FINISHED_RUN).succeeds(200),
		api("GET /api/runs/{id}/attempts/diagnostics").on(RUN).succeeds(200).pending("executor"),
		page("GET /runs").lists(RUN, "runs"),
		page("GET /runs/new").lists(MODEL, "models"),
		page("POST /runs").succeeds(302).form(RUN_FORM),
		page("POST /runs/plan").on(MODEL).succeeds(200).form("type=grpo&modelId={id}"),
		page("GET /runs/{id}").on(RUN).succeeds(200),
		page("POST /runs/{id}/cancel").on(RUN).consumes().succeeds(302),
		page("GET /runs/{id}/events").on(FINISHED_RUN).succeeds(200),
		// run page additions: rollout gallery (a seeded run has no rollouts: its step 1 image is missing) and attempts
		api("GET /api/runs/{id}/rollouts").on(RUN).succeeds(200),
		api("GET /api/runs/{id}/rollouts/{step}/{idx}/images/{n}").on(RUN).at("/api/runs/{id}/rollouts/1/0/images/0").succeeds(404),
		page("GET /runs/{id}/rollouts").on(RUN).succeeds(200),
		page("GET /runs/{id}/rollouts/{step}/{idx}/images/{n}").on(RUN).at("/runs/{id}/rollouts/1/0/images/0").succeeds(404),
		page("GET /runs/{id}/attempts").on(RUN).succeeds(200),
		// tiny models and the one-click demo project (belong to the caller; nothing foreign to name)
		api("POST /api/models/tiny").succeeds(201).json("{\"name\": \"tiny-${unique}\", \"seed\": 1}"),
		page("POST /models/tiny").succeeds(302).form("name=tiny-${unique}&seed=1"),
		page("POST /demo-project").succeeds(302),
		// the RL-vs-SFT experiment (the home page's second button) and its page-side JSON twin
		api("GET /api/experiments").lists(EXPERIMENT, "$[*].id"),
		api("POST /api/experiments").succeeds(201).json(EXPERIMENT_BODY),
		api("GET /api/experiments/{id}").on(EXPERIMENT).succeeds(200),
		page("GET /experiments").lists(EXPERIMENT, "experiments"),
		page("POST /experiments").succeeds(302).form(EXPERIMENT_FORM),
		page("GET /experiments/{id}").on(EXPERIMENT).succeeds(200),
		page("GET /experiments/{id}/data").on(EXPERIMENT).succeeds(200),
		page("GET /runs/{id}/eval-results").on(RUN).succeeds(200),
		page("GET /runs/{id}/eval-results/{step}/{idx}/image").on(RUN).at("/runs/{id}/eval-results/1/0/image")
			.succeeds(200),
		// datasets: the API and its page-side twin under /datasets/data
		api("GET /api/datasets").lists(DATASET, "$[*].id"),
		api("POST /api/datasets").upload().succeeds(201),
		api("GET /api/datasets/uploads/{uploadId}").on(UPLOAD).at("/api/datasets/uploads/{id}").ownerOnly(),
		api("GET /api/datasets/{id}").on(DATASET),
		api("GET /api/datasets/{id}/samples").on(DATASET),
		api("GET /api/datasets/{id}/images/{sha256}").on(DATASET).at("/api/datasets/{id}/images/${image}"),
		api("DELETE /api/datasets/{id}").on(DATASET).consumes().succeeds(204),
		page("GET /datasets/data").lists(DATASET, "$[*].id"),
		page("POST /datasets/data").upload().succeeds(201),
		page("GET /datasets/data/uploads/{uploadId}").on(UPLOAD).at("/datasets/data/uploads/{id}").ownerOnly(),
		page("GET /datasets/data/{id}").on(DATASET),
		page("GET /datasets/data/{id}/samples").on(DATASET),
		page("GET /datasets/data/{id}/images/{sha256}").on(DATASET).at("/datasets/data/{id}/images/${image}"),
		page("DELETE /datasets/data/{id}").on(DATASET).consumes().succeeds(204),
		page("GET /datasets").lists(DATASET, "datasets"),
		page("GET /datasets/new"),
		page("GET /datasets/{id}").on(DATASET),
		page("POST /datasets/{id}/delete").on(DATASET).consumes().succeeds(302),
		// inference demo (branch demo): nothing here starts the inference worker except the admins' status call; the
		// model is named in the body ({id}) and checked before the image, so an authorized call answers 400
		api("POST /api/demo/rec").on(MODEL).json(DEMO_BODY).succeeds(400).pending(DEMO),
		api("POST /api/demo/ovd").on(MODEL).json(DEMO_BODY).succeeds(400).pending(DEMO),
		api("GET /api/demo/worker").adminOnly().succeeds(200).pending(DEMO),
		api("GET /api/v1/models").pending(DEMO),
		api("GET /api/v1/models/{id}").on(MODEL).succeeds(200).pending(DEMO),
		api("POST /api/v1/chat/completions").on(MODEL).json(CHAT_BODY).succeeds(400).pending(DEMO),
		page("POST /demo/rec/predict").on(MODEL).json(DEMO_BODY).succeeds(400).pending(DEMO),
		page("POST /demo/ovd/predict").on(MODEL).json(DEMO_BODY).succeeds(400).pending(DEMO),
		page("GET /demo/rec").lists(MODEL, "models").pending(DEMO),
		page("GET /demo/ovd").lists(MODEL, "models").pending(DEMO),
		page("GET /demo/samples/{name}").at("/demo/samples/shapes-1.png").pending(DEMO),
		// run comparison (branch compare): the runs are named in the query
		api("GET /api/compare").on(RUN).query("runs={id}").succeeds(200).pending("compare"),
		api("GET /api/compare.csv").on(RUN).query("runs={id}").succeeds(200).pending("compare"),
		page("GET /compare").on(RUN).query("runs={id}").succeeds(200).pending("compare"),
		page("GET /compare/data").on(RUN).query("runs={id}").succeeds(200).pending("compare"),
		page("GET /compare.csv").on(RUN).query("runs={id}").succeeds(200).pending("compare"),
		// tokens, users, account: tokens are personal, administrators included
		api("GET /api/tokens").lists(TOKEN, "$[*].id").ownerOnly(),
		api("POST /api/tokens").succeeds(201).json("{\"name\": \"t-${unique}\", \"scope\": \"READ\"}"),
		api("DELETE /api/tokens/{id}").on(TOKEN).consumes().ownerOnly().succeeds(204),
		api("GET /api/users").adminOnly().succeeds(200),
		api("POST /api/users").adminOnly().succeeds(201)
			.json("{\"username\": \"u-${unique}\", \"password\": \"pw-${unique}-long-enough\"}"),
		api("GET /api/users/me").succeeds(200),
		page("GET /account").lists(TOKEN, "tokens").ownerOnly(),
		page("POST /account/tokens").succeeds(302).form("name=t-${unique}&scope=READ"),
		page("POST /account/tokens/{id}/revoke").on(TOKEN).consumes().ownerOnly().succeeds(302),
		// open to everyone: the start page needs a login, these do not
		page("GET /").succeeds(200),
		open("GET /login"),
		open("ALL /error")
	// @formatter:on
	);

	private AuthorizationMatrix() {
	}

	/** A bearer-token endpoint under {@code /api}. */
	static MatrixEntry api(String key) {
		return new MatrixEntry(MatrixEntry.Surface.API, key);
	}

	/** A page (or page-side JSON) endpoint behind form login. */
	static MatrixEntry page(String key) {
		return new MatrixEntry(MatrixEntry.Surface.PAGE, key);
	}

	/** An endpoint anyone may call. */
	static MatrixEntry open(String key) {
		return new MatrixEntry(MatrixEntry.Surface.OPEN, key);
	}

	static @Nullable MatrixEntry find(String key) {
		return ENTRIES.stream().filter(e -> e.key().equals(key)).findFirst().orElse(null);
	}

}
