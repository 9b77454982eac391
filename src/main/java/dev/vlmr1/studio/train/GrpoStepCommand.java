package dev.vlmr1.studio.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.model.safetensors.SafetensorsReader;
import dev.vlmr1.studio.model.safetensors.SafetensorsWriter;
import dev.vlmr1.studio.model.safetensors.WritableTensor;

/**
 * {@code grpo-step}: one GRPO optimisation step on given prompt + completion ids, the check of our trainer against
 * any reference implementation.
 *
 * <p>Reads {@code input_ids}, {@code attention_mask}, {@code completion_mask} [B, T], optional {@code pixel_values}
 * and {@code image_grid_thw}, and {@code advantages} [B] (or {@code rewards} [B] with {@code --num-generations}).
 * Writes into {@code --out}: {@code step.safetensors} (policy/ref/old log-probs, per-token KL, ratio, per-token loss,
 * advantages, {@code loss.<type>} for every loss type, {@code grad_norm}), {@code grads.safetensors} (before clipping, released names), {@code params.safetensors} (after clipping
 * and AdamW) and {@code metrics.json} (every loss type, KL, clip ratios, grad norm). Optimizer defaults are
 * PyTorch's AdamW defaults (lr 1e-3, β 0.9/0.999, ε 1e-8, weight decay 0.01).
 */
public final class GrpoStepCommand {

	private static final ObjectMapper JSON = new ObjectMapper();

	private GrpoStepCommand() {
	}

	public static int run(String[] args) {
		var o = new CliOptions(args, CliOptions.known("--policy", "--ref", "--old", "--inputs", "--out", "--loss-type",
				"--beta", "--epsilon", "--epsilon-high", "--temperature", "--lr", "--weight-decay", "--max-grad-norm",
				"--num-generations", "--max-completion-length", "--freeze-vision"));
		double beta = o.number("--beta", 0.04);
		double epsilon = o.number("--epsilon", 0.2);
		Path refDir = o.pathOrNull("--ref");
		if (beta > 0 && refDir == null) {
			throw new IllegalArgumentException("--beta > 0 needs --ref (or pass --beta 0)");
		}
		Path out = o.path("--out");
		try (Policy policy = Policy.load(o.path("--policy"));
				Policy ref = beta > 0 ? Policy.load(refDir) : null;
				Policy old = o.has("--old") ? Policy.load(o.path("--old")) : null;
				NDManager scope = policy.manager().newSubManager();
				AdamW adamW = new AdamW(scope, new AdamW.Settings(0.9, 0.999, 1e-8, o.number("--weight-decay", 0.01)))) {
			GrpoBatch batch = readBatch(scope, o.path("--inputs"), o.integer("--num-generations", 0));
			var loss = new GrpoLoss(LossType.parse(o.string("--loss-type", "grpo")), beta, epsilon,
					o.number("--epsilon-high", epsilon), o.integer("--max-completion-length", batch.completionLength()));
			var optimization = new GrpoStep.Optimization(adamW, o.number("--lr", 1e-3), o.number("--max-grad-norm", 1.0),
					o.flag("--freeze-vision", false));
			GrpoStep.Result result = GrpoStep.run(policy, ref, old, batch, loss, o.number("--temperature", 1.0),
					optimization, scope);
			write(out, batch, result, policy.trainable(optimization.freezeVision()), loss);
			System.out.printf("loss (%s) %.6f  grad_norm %.6f  kl %.6f  clip_ratio/region_mean %.4f -> %s%n",
					loss.type().id(), result.loss().loss().getFloat(), result.gradNorm(), result.loss().klMean(),
					result.loss().clipRegion(), out);
			return 0;
		}
	}

	static GrpoBatch readBatch(NDManager manager, Path file, int numGenerations) {
		try (SafetensorsReader in = SafetensorsReader.open(file)) {
			for (String name : List.of("input_ids", "attention_mask", "completion_mask")) {
				if (!in.contains(name)) {
					throw new IllegalArgumentException(file + " has no " + name);
				}
			}
			NDArray advantages;
			if (in.contains("advantages")) {
				advantages = floats(manager, in, "advantages");
			}
			else if (in.contains("rewards") && numGenerations > 1) {
				advantages = manager.create(Advantages.compute(in.floats("rewards"), numGenerations, ScaleRewards.GROUP));
			}
			else {
				throw new IllegalArgumentException(file + " needs advantages, or rewards with --num-generations ≥ 2");
			}
			NDArray pixels = in.contains("pixel_values") ? floats(manager, in, "pixel_values") : null;
			long[][] grid = null;
			if (pixels != null) {
				long[] flat = in.longs("image_grid_thw");
				grid = new long[flat.length / 3][];
				for (int i = 0; i < grid.length; i++) {
					grid[i] = new long[] { flat[3 * i], flat[3 * i + 1], flat[3 * i + 2] };
				}
			}
			return new GrpoBatch(longs(manager, in, "input_ids"), longs(manager, in, "attention_mask"), pixels, grid,
					floats(manager, in, "completion_mask"), advantages);
		}
	}

	private static NDArray floats(NDManager manager, SafetensorsReader in, String name) {
		return manager.create(in.floats(name), new Shape(in.info(name).shape()));
	}

	private static NDArray longs(NDManager manager, SafetensorsReader in, String name) {
		return manager.create(in.longs(name), new Shape(in.info(name).shape()));
	}

	private static void write(Path out, GrpoBatch batch, GrpoStep.Result result, Map<String, NDArray> params,
			GrpoLoss loss) {
		try {
			Files.createDirectories(out);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<WritableTensor> step = new ArrayList<>();
		add(step, "policy_logps", result.logps());
		add(step, "old_logps", result.oldLogps());
		add(step, "ref_logps", result.refLogps());
		add(step, "per_token_kl", result.loss().kl());
		add(step, "ratio", result.loss().ratio());
		add(step, "per_token_loss", result.loss().perTokenLoss());
		add(step, "advantages", batch.advantages());
		add(step, "completion_mask", batch.completionMask());
		result.losses().forEach((type, value) -> step.add(WritableTensor.f32("loss." + type, new long[0],
				new float[] { value.floatValue() })));
		step.add(WritableTensor.f32("grad_norm", new long[0], new float[] { (float) result.gradNorm() }));
		SafetensorsWriter.write(out.resolve("step.safetensors"), step);
		List<WritableTensor> grads = new ArrayList<>();
		result.grads().forEach((name, g) -> add(grads, name, g));
		SafetensorsWriter.write(out.resolve("grads.safetensors"), grads);
		List<WritableTensor> updated = new ArrayList<>();
		params.forEach((name, p) -> add(updated, name, p));
		SafetensorsWriter.write(out.resolve("params.safetensors"), updated);

		ObjectNode metrics = JSON.createObjectNode();
		metrics.put("loss_type", loss.type().id());
		metrics.put("loss", result.loss().loss().getFloat());
		result.losses().forEach(metrics::put);
		metrics.put("kl", result.loss().klMean());
		metrics.put("clip_ratio/low_mean", result.loss().clipLow());
		metrics.put("clip_ratio/high_mean", result.loss().clipHigh());
		metrics.put("clip_ratio/region_mean", result.loss().clipRegion());
		metrics.put("grad_norm", result.gradNorm());
		try {
			Files.writeString(out.resolve("metrics.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(metrics));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void add(List<WritableTensor> tensors, String name, @Nullable NDArray array) {
		if (array != null) {
			NDArray f = array.getDataType() == DataType.FLOAT32 ? array : array.toType(DataType.FLOAT32, false);
			tensors.add(WritableTensor.f32(name, f.getShape().getShape(), f.toFloatArray()));
		}
	}

}
