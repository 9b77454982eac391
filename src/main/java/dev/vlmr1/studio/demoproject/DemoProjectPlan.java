package dev.vlmr1.studio.demoproject;

import java.util.List;
import java.util.Map;

/**
 * What the one-click demo project creates, sized for a laptop CPU: how much synthetic REC data, and the
 * hyperparameters of the SFT warm-up and of the GRPO run that starts from its final checkpoint.
 *
 * @param seed seed of the synthetic data and the tiny model
 * @param trainSamples in-domain REC training samples
 * @param testSamples samples of each held-out split (in-domain and out-of-domain)
 */
public record DemoProjectPlan(long seed, int trainSamples, int testSamples, Map<String, Object> sft,
		Map<String, Object> grpo) {

	/** The plan behind the home page's button. */
	public static DemoProjectPlan standard() {
		return new DemoProjectPlan(0, 96, 32,
				Map.of("max_steps", 150, "per_device_train_batch_size", 4, "gradient_accumulation_steps", 1,
						"learning_rate", 2e-3, "save_steps", 50),
				Map.of("max_steps", 30, "num_generations", 4, "per_device_train_batch_size", 4,
						"gradient_accumulation_steps", 1, "max_completion_length", 64, "learning_rate", 1e-4,
						"beta", 0.04, "save_steps", 10));
	}

	/** The REC preset's terms as a reward configuration body. */
	static List<Map<String, Object>> recTerms() {
		return List.of(Map.of("function", "iou", "weight", 1.0), Map.of("function", "format_rec", "weight", 1.0));
	}

}
