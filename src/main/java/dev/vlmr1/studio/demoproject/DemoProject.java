package dev.vlmr1.studio.demoproject;

import java.nio.file.Path;
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

	public Created create(CurrentUser user, DemoProjectPlan plan) {
		String tag = UUID.randomUUID().toString().substring(0, 8);
		Path dir = studio.dataDir().toAbsolutePath().normalize().resolve("demo-projects").resolve(tag);
		try (LoopbackApi.Session session = api.as(user)) {
			long train = upload(session, dir, plan, "rec_train", SyntheticDataset.Split.IN_DOMAIN, plan.trainSamples());
			long testId = upload(session, dir, plan, "rec_test_id", SyntheticDataset.Split.IN_DOMAIN, plan.testSamples());
			long testOod = upload(session, dir, plan, "rec_test_ood", SyntheticDataset.Split.OUT_OF_DOMAIN,
					plan.testSamples());
			CatalogModel model = tinyModels.create(user, "tiny-demo-" + tag, plan.seed());
			long reward = session.post("/api/reward-configs", Map.of("name", "REC preset (demo " + tag + ")", "description",
					"IoU + REC format, as VLM-R1's REC training", "terms", DemoProjectPlan.recTerms())).get("id").asLong();
			long sft = session.post("/api/runs", Map.of("type", "sft", "modelId", model.id(), "datasetIds", List.of(train),
					"hyperparameters", plan.sft())).get("id").asLong();
			Map<String, Object> grpo = new LinkedHashMap<>();
			grpo.put("type", "grpo");
			grpo.put("datasetIds", List.of(train));
			grpo.put("rewardConfigId", reward);
			grpo.put("hyperparameters", plan.grpo());
			long followUp = followUps.waitFor(user, sft, grpo);
			return new Created(train, testId, testOod, model.id(), reward, sft, followUp);
		}
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
