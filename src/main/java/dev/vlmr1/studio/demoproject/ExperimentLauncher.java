package dev.vlmr1.studio.demoproject;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

import dev.vlmr1.studio.experiment.ExperimentPlan;
import dev.vlmr1.studio.web.CurrentUser;
import dev.vlmr1.studio.web.StudioProperties;

/**
 * Issue 6 item 4's button: the RL-vs-SFT experiment ({@code RlVsSftExperiment}'s recipe) as real platform runs.
 * {@link #start} stores the experiment and answers at once; a background thread then uploads the pretrain, train
 * and test splits through the dataset API, creates the tiny model of the plan's shape and the REC reward preset
 * (IoU + REC format), queues the base SFT run on the pretrain split and registers the two arms (SFT, GRPO on the
 * train split) as follow-ups of it. Every run is evaluated on the test dataset, whose {@code split} field gives
 * the in-domain and out-of-domain metrics. Creating the objects takes seconds to minutes (thousands of images), which
 * is why it does not block the request; a failure is kept on the experiment.
 */
@Service
public class ExperimentLauncher {

	private static final Logger log = LoggerFactory.getLogger(ExperimentLauncher.class);

	private final LoopbackApi api;

	private final TinyModels tinyModels;

	private final FollowUpRuns followUps;

	private final ExperimentStore store;

	private final StudioProperties studio;

	/** One experiment prepared at a time: each one is CPU- and upload-heavy. */
	private final ExecutorService preparing = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "experiment-launcher");
		thread.setDaemon(true);
		return thread;
	});

	ExperimentLauncher(LoopbackApi api, TinyModels tinyModels, FollowUpRuns followUps, ExperimentStore store,
			StudioProperties studio) {
		this.api = api;
		this.tinyModels = tinyModels;
		this.followUps = followUps;
		this.store = store;
		this.studio = studio;
	}

	/** Stores an experiment of {@code plan} for {@code user} and starts preparing it; returns its id. */
	public long start(CurrentUser user, ExperimentPlan plan) {
		long id = store.insert(user, PlanOverrides.toMap(plan));
		preparing.execute(() -> prepare(user, id, plan));
		return id;
	}

	private void prepare(CurrentUser user, long id, ExperimentPlan plan) {
		Path dir = studio.dataDir().toAbsolutePath().normalize().resolve("experiments").resolve(Long.toString(id));
		String name = "experiment-" + id;
		try (LoopbackApi.Session session = api.as(user)) {
			ExperimentData data = new ExperimentData(plan, dir);
			long pretrain = session.uploadDataset(name + "-pretrain", data.write("pretrain")).get("id").asLong();
			long train = session.uploadDataset(name + "-train", data.write("train")).get("id").asLong();
			long test = session.uploadDataset(name + "-test", data.writeTest()).get("id").asLong();
			store.datasets(id, pretrain, train, test);
			long model = tinyModels.create(user, "tiny-" + name, plan.seed(), plan.vocabSize(), plan.shape()).id();
			long reward = session.post("/api/reward-configs", Map.of("name", "REC preset (" + name + ")", "description",
					"IoU + REC format, as RlVsSftExperiment's GRPO arm", "terms", DemoProjectPlan.recTerms()))
				.get("id")
				.asLong();
			store.model(id, model, reward);
			Map<String, Object> baseRun = run("sft", List.of(pretrain), test, null, ExperimentRuns.base(plan));
			baseRun.put("modelId", model);
			long base = session.post("/api/runs", baseRun).get("id").asLong();
			long sft = followUps.waitFor(user, base, run("sft", List.of(train), test, null, ExperimentRuns.sftArm(plan)));
			long grpo = followUps.waitFor(user, base,
					run("grpo", List.of(train), test, reward, ExperimentRuns.grpoArm(plan)));
			store.launched(id, base, sft, grpo);
			log.info("experiment {} launched: base run {}, follow-ups {} (SFT) and {} (GRPO)", id, base, sft, grpo);
		}
		catch (RuntimeException ex) {
			store.failed(id, String.valueOf(ex.getMessage()));
			log.warn("experiment {} could not be launched: {}", id, ex.getMessage());
		}
		finally {
			Folders.deleteQuietly(dir); // the uploaded copies live in the dataset store
		}
	}

	private static Map<String, Object> run(String type, List<Long> datasets, long evalDataset,
			@Nullable Long rewardConfig, Map<String, Object> hyperparameters) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", type);
		body.put("datasetIds", datasets);
		body.put("evalDatasetId", evalDataset);
		if (rewardConfig != null) {
			body.put("rewardConfigId", rewardConfig);
		}
		body.put("hyperparameters", hyperparameters);
		return body;
	}

	/** A preparation lives in this process only: one cut short by a restart will never finish. */
	@EventListener(ApplicationReadyEvent.class)
	void abandonInterrupted() {
		int abandoned = store.abandonPreparing();
		if (abandoned > 0) {
			log.warn("{} experiment(s) were being prepared when the application stopped: marked FAILED", abandoned);
		}
	}

	@PreDestroy
	void stop() {
		preparing.shutdownNow();
	}

}
