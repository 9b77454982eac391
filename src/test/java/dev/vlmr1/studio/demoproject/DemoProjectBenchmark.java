package dev.vlmr1.studio.demoproject;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.vlmr1.studio.StudioApplication;
import dev.vlmr1.studio.eval.RecAccuracy;
import dev.vlmr1.studio.eval.RecReport;
import dev.vlmr1.studio.model.ChatMessage;
import dev.vlmr1.studio.model.ChatTemplate;
import dev.vlmr1.studio.model.Generator;
import dev.vlmr1.studio.model.ModelInputs;
import dev.vlmr1.studio.model.QwenVlModel;
import dev.vlmr1.studio.model.SamplingParams;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.image.ProcessedImages;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;
import dev.vlmr1.studio.reward.RewardSample;
import dev.vlmr1.studio.reward.SampleImage;
import dev.vlmr1.studio.security.Role;
import dev.vlmr1.studio.security.UserAccounts;
import dev.vlmr1.studio.train.GrpoConfig;
import dev.vlmr1.studio.web.CurrentUser;

/**
 * The one-click demo project on this machine: the application on an embedded database with its local dispatcher,
 * {@link DemoProjectPlan#standard()} created for a new user, wall time of the SFT warm-up and of the GRPO run (each
 * in its own worker process), and held-out REC accuracy@0.5 (VLM-R1's protocol, greedy decoding, the training
 * prompt) of the base model, the SFT checkpoint (before GRPO) and the GRPO checkpoint (after), on the in-domain and
 * out-of-domain test splits. The ratio printed is wall time over the trainer's own step time: the bound is 1, what
 * is above it is model loading, process start and checkpointing.
 *
 * <p>Run: {@code java -cp target/test-classes:target/classes:<deps> dev.vlmr1.studio.demoproject.DemoProjectBenchmark}
 */
public final class DemoProjectBenchmark {

	private static final int NEW_TOKENS = 48;

	private DemoProjectBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Path dataDir = Files.createTempDirectory("demo-project-benchmark");
		ConfigurableApplicationContext app = SpringApplication.run(StudioApplication.class, "--server.port=0",
				"--studio.data-dir=" + dataDir, "--studio.executor.local.enabled=true",
				"--studio.executor.register-interval=PT0.5S", "--studio.executor.poll-interval=PT0.5S");
		int status = 0;
		try {
			status = measure(app, plan(args));
		}
		finally {
			app.close();
		}
		System.exit(status);
	}

	/**
	 * The home page's plan, or a scaled one: {@code [trainSamples sftSteps grpoSteps]} (e.g. {@code 400 1500 100}) to
	 * see how far a longer schedule takes the tiny model.
	 */
	static DemoProjectPlan plan(String[] args) {
		DemoProjectPlan standard = DemoProjectPlan.standard();
		if (args.length < 3) {
			return standard;
		}
		var sft = new java.util.HashMap<>(standard.sft());
		sft.put("max_steps", Integer.parseInt(args[1]));
		var grpo = new java.util.HashMap<>(standard.grpo());
		grpo.put("max_steps", Integer.parseInt(args[2]));
		return new DemoProjectPlan(standard.seed(), Integer.parseInt(args[0]), standard.testSamples(), Map.copyOf(sft),
				Map.copyOf(grpo));
	}

	private static int measure(ConfigurableApplicationContext app, DemoProjectPlan plan) throws Exception {
		JdbcClient jdbc = app.getBean(JdbcClient.class);
		CurrentUser user = app.getBean(UserAccounts.class).create("bench-" + System.nanoTime(), "benchmark-password-1",
				Role.USER);
		long start = System.nanoTime();
		DemoProject.Created created = app.getBean(DemoProject.class).create(user, plan);
		double setup = (System.nanoTime() - start) / 1e9;
		String sftState = await(jdbc, created.sftRunId());
		double sftDone = (System.nanoTime() - start) / 1e9;
		Long grpo = null;
		while (grpo == null && "SUCCEEDED".equals(sftState)) {
			grpo = app.getBean(FollowUpRuns.class).childOf(created.grpoFollowUp());
			Thread.sleep(200);
		}
		String grpoState = grpo == null ? "NOT QUEUED" : await(jdbc, grpo);
		double total = (System.nanoTime() - start) / 1e9;
		System.out.printf(Locale.ROOT, "demo project: setup (3 uploads, tiny model, reward, runs) %.1f s%n", setup);
		System.out.printf(Locale.ROOT, "SFT run %d: %s after %.1f s; trainer step time %.1f s%n", created.sftRunId(),
				sftState, sftDone - setup, stepSeconds(jdbc, created.sftRunId()));
		if (grpo == null || !"SUCCEEDED".equals(grpoState)) {
			System.out.println("GRPO run: " + grpoState + (grpo == null ? "" : " " + reason(jdbc, grpo)));
			return 1;
		}
		double stepTime = stepSeconds(jdbc, created.sftRunId()) + stepSeconds(jdbc, grpo);
		System.out.printf(Locale.ROOT, "GRPO run %d: %s after %.1f s; trainer step time %.1f s%n", grpo, grpoState,
				total - sftDone, stepSeconds(jdbc, grpo));
		System.out.printf(Locale.ROOT, "demo project wall time %.1f s (SFT + GRPO %.1f s); ratio to trainer step time "
				+ "%.2f (bound 1.00)%n", total, total - setup, (total - setup) / stepTime);

		Path base = modelPath(jdbc, created.modelId());
		Path sft = finalCheckpoint(jdbc, created.sftRunId());
		Path after = finalCheckpoint(jdbc, grpo);
		for (long dataset : List.of(created.testInDomain(), created.testOutOfDomain())) {
			List<Sample> test = samples(jdbc, app, dataset);
			String name = jdbc.sql("SELECT name FROM datasets WHERE id = ?").param(dataset).query(String.class).single();
			System.out.printf(Locale.ROOT, "%s (%d samples) accuracy@0.5: base %s, SFT (before GRPO) %s, GRPO %s%n", name,
					test.size(), accuracy(base, test), accuracy(sft, test), accuracy(after, test));
		}
		return 0;
	}

	private static String await(JdbcClient jdbc, long run) throws InterruptedException {
		while (true) {
			String state = jdbc.sql("SELECT state FROM runs WHERE id = ?").param(run).query(String.class).single();
			if (List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(state)) {
				return state;
			}
			Thread.sleep(500);
		}
	}

	private static String reason(JdbcClient jdbc, long run) {
		return String.valueOf(jdbc.sql("SELECT state_reason FROM runs WHERE id = ?").param(run).query(String.class).single());
	}

	private static double stepSeconds(JdbcClient jdbc, long run) {
		return jdbc.sql("SELECT coalesce(sum(value), 0) FROM run_metrics WHERE run_id = ? AND name = 'step_time' AND NOT archived")
			.param(run).query(Double.class).single();
	}

	private static Path modelPath(JdbcClient jdbc, long model) {
		return Path.of(jdbc.sql("SELECT path FROM models WHERE id = ?").param(model).query(String.class).single());
	}

	private static Path finalCheckpoint(JdbcClient jdbc, long run) {
		return Path.of(jdbc.sql("SELECT path FROM checkpoints WHERE run_id = ? ORDER BY step DESC LIMIT 1").param(run)
			.query(String.class).single());
	}

	private record Sample(String question, String solution, Path image) {
	}

	private static List<Sample> samples(JdbcClient jdbc, ConfigurableApplicationContext app, long dataset) {
		Path images = app.getBean(dev.vlmr1.studio.web.StudioProperties.class).artifactsDir().resolve("images");
		return jdbc.sql("SELECT question, solution, images->0->>'sha256' FROM samples WHERE dataset_id = ? ORDER BY id")
			.param(dataset)
			.query((rs, n) -> new Sample(rs.getString(1).replace("<image>", "").strip(), rs.getString(2),
					images.resolve(rs.getString(3).substring(0, 2)).resolve(rs.getString(3).substring(2))))
			.list();
	}

	/** Greedy completions of the training prompt, scored by VLM-R1's REC protocol. */
	private static String accuracy(Path dir, List<Sample> test) throws Exception {
		List<String> completions = new ArrayList<>();
		List<RewardSample> truths = new ArrayList<>();
		try (QwenVlModel model = QwenVlModel.load(dir); QwenTokenizer tokenizer = QwenTokenizer.load(dir)) {
			ImageProcessor processor = ImageProcessor.fromCheckpoint(dir);
			Generator generator = new Generator(model, ids -> tokenizer.decode(ids, true));
			for (Sample s : test) {
				BufferedImage image = ImageProcessor.read(s.image());
				try (NDManager manager = model.manager().newSubManager()) {
					ProcessedImages processed = processor.process(List.of(image));
					String text = GrpoConfig.REC_TEMPLATE.replace("{question}", s.question());
					long[] prompt = new ChatTemplate(tokenizer).prompt(List.of(ChatMessage.user(text, 1)),
							processed.tokensPerImage());
					ModelInputs inputs = ModelInputs.of(manager.create(prompt, new Shape(1, prompt.length)))
						.withImages(manager.create(processed.pixelValues(), new Shape(processed.shape())),
								processed.gridThw());
					completions.add(generator.generate(inputs, SamplingParams.greedy(NEW_TOKENS, model.config()))
						.texts().get(0));
					long[] grid = processed.gridThw()[0];
					truths.add(new RewardSample(s.question(), s.solution(), Map.of(), List.of(new SampleImage(
							image.getWidth(), image.getHeight(), (int) grid[0], (int) grid[1], (int) grid[2])), null));
				}
			}
		}
		RecReport report = RecAccuracy.vlmr1().evaluate(completions, truths);
		return String.format(Locale.ROOT, "%.3f (%d/%d, mean IoU %.3f)", report.accuracy(), report.correct(),
				report.total(), report.meanIou());
	}

}
