package dev.vlmr1.studio.demoproject;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.stereotype.Service;

import dev.vlmr1.studio.catalog.CatalogModel;
import dev.vlmr1.studio.synth.SynthTask;
import dev.vlmr1.studio.synth.SyntheticDataset;
import dev.vlmr1.studio.synth.SyntheticDatasetWriter;
import dev.vlmr1.studio.web.CurrentUser;
import dev.vlmr1.studio.web.StudioProperties;

/**
 * Creates the one-click demo project for a user: the synthetic REC train split and two held-out test splits
 * (in-domain, out-of-domain) uploaded through {@code POST /api/datasets}, a tiny model, the REC reward preset, an
 * SFT warm-up run, and a GRPO run that is queued from the warm-up's final checkpoint ({@link FollowUpRuns}).
 */
@Service
public class DemoProject {

	/** What was created; {@code grpoFollowUp} becomes a run when the SFT run succeeded. */
	public record Created(long trainDataset, long testInDomain, long testOutOfDomain, long modelId, long rewardConfigId,
			long sftRunId, long grpoFollowUp) {
	}

	private final LoopbackApi api;

	private final TinyModels tinyModels;

	private final FollowUpRuns followUps;

	private final StudioProperties studio;

	DemoProject(LoopbackApi api, TinyModels tinyModels, FollowUpRuns followUps, StudioProperties studio) {
		this.api = api;
		this.tinyModels = tinyModels;
		this.followUps = followUps;
		this.studio = studio;
	}

	/**
	 * Creates the project's datasets, tiny model, reward configuration and runs. All or nothing: when a step fails,
	 * what the earlier steps created is removed again (a run already queued is cancelled), and the generated files
	 * are deleted whatever happens (the uploaded copies live in the dataset store).
	 */
	public Created create(CurrentUser user, DemoProjectPlan plan) {
		String tag = UUID.randomUUID().toString().substring(0, 8);
		Path dir = studio.dataDir().toAbsolutePath().normalize().resolve("demo-projects").resolve(tag);
		Deque<Runnable> undo = new ArrayDeque<>();
		try (LoopbackApi.Session session = api.as(user)) {
			try {
				long train = upload(session, dir, plan, "rec_train", SyntheticDataset.Split.IN_DOMAIN,
						plan.trainSamples(), undo);
				long testId = upload(session, dir, plan, "rec_test_id", SyntheticDataset.Split.IN_DOMAIN,
						plan.testSamples(), undo);
				long testOod = upload(session, dir, plan, "rec_test_ood", SyntheticDataset.Split.OUT_OF_DOMAIN,
						plan.testSamples(), undo);
				CatalogModel model = tinyModels.create(user, "tiny-demo-" + tag, plan.seed());
				undo.push(() -> tinyModels.delete(user, model));
				long reward = session.post("/api/reward-configs", Map.of("name", "REC preset (demo " + tag + ")",
						"description", "IoU + REC format, as VLM-R1's REC training", "terms", DemoProjectPlan.recTerms()))
					.get("id")
					.asLong();
				undo.push(() -> session.delete("/api/reward-configs/" + reward));
				long sft = session.post("/api/runs", Map.of("type", "sft", "modelId", model.id(), "datasetIds",
						List.of(train), "hyperparameters", plan.sft())).get("id").asLong();
				undo.push(() -> session.post("/api/runs/" + sft + "/cancel", Map.of()));
				Map<String, Object> grpo = new LinkedHashMap<>();
				grpo.put("type", "grpo");
				grpo.put("datasetIds", List.of(train));
				grpo.put("rewardConfigId", reward);
				grpo.put("hyperparameters", plan.grpo());
				long followUp = followUps.waitFor(user, sft, grpo);
				return new Created(train, testId, testOod, model.id(), reward, sft, followUp);
			}
			catch (RuntimeException ex) {
				undoQuietly(undo, ex);
				throw ex;
			}
		}
		finally {
			Folders.deleteQuietly(dir);
		}
	}

	/** Runs the undo steps newest first; one that fails is recorded on {@code failure} and the rest still run. */
	private static void undoQuietly(Deque<Runnable> undo, RuntimeException failure) {
		while (!undo.isEmpty()) {
			try {
				undo.pop().run();
			}
			catch (RuntimeException ex) {
				failure.addSuppressed(ex);
			}
		}
	}

	private static long upload(LoopbackApi.Session session, Path dir, DemoProjectPlan plan, String name,
			SyntheticDataset.Split split, int count, Deque<Runnable> undo) {
		long id = upload(session, dir, plan, name, split, count);
		undo.push(() -> session.delete("/api/datasets/" + id));
		return id;
	}

	private static long upload(LoopbackApi.Session session, Path dir, DemoProjectPlan plan, String name,
			SyntheticDataset.Split split, int count) {
		// each split its own seed and folder, so changing one count leaves the other splits as they were
		var data = new SyntheticDataset(plan.seed() * 1_000_003L + name.hashCode(), 112, 112);
		Path jsonl = SyntheticDatasetWriter.write(data.generate(SynthTask.REC, split, count, name.replace('_', '-')),
				dir.resolve(name), name);
		return session.uploadDataset("demo-" + name.replace('_', '-'), jsonl).get("id").asLong();
	}

}
