package dev.vlmr1.studio.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * AdamW with PyTorch's semantics ({@code torch.optim.AdamW}, single-tensor path), which DJL's built-in
 * {@code Optimizer.adamW()} does not have (it adds ε before bias-correcting the second moment).
 *
 * <p>Per parameter p with gradient g at step t: p ← p·(1 − lr·wd) (decoupled weight decay); m ← m + (1 − β1)(g − m);
 * v ← β2·v + (1 − β2)·g²; p ← p − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε). Updates are in place, so they must
 * run outside any gradient collector (this class turns grad mode off itself). The state is the step count and
 * m, v per parameter name, held on the optimizer's own manager so it outlives every training step.
 */
public final class AdamW implements AutoCloseable {

	/** Hyperparameters: PyTorch's defaults are β = (0.9, 0.999), ε = 1e-8, weight decay 0.01. */
	public record Settings(double beta1, double beta2, double epsilon, double weightDecay) {

		public Settings {
			if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1 || epsilon <= 0 || weightDecay < 0) {
				throw new IllegalArgumentException("need 0 ≤ β < 1, ε > 0, wd ≥ 0: " + beta1 + ", " + beta2 + ", "
						+ epsilon + ", " + weightDecay);
			}
		}

		public static Settings pytorchDefaults() {
			return new Settings(0.9, 0.999, 1e-8, 0.01);
		}

	}

	private final NDManager stateManager;

	private final Settings settings;

	private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();

	private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();

	private long step;

	public AdamW(NDManager parent, Settings settings) {
		this.stateManager = parent.newSubManager();
		this.settings = settings;
	}

	/** One update of every parameter from its attached gradient ({@code p.getGradient()}). */
	public void step(Map<String, NDArray> parameters, double learningRate) {
		Map<String, NDArray> grads = new LinkedHashMap<>();
		parameters.forEach((name, p) -> grads.put(name, p.getGradient()));
		step(parameters, grads, learningRate);
	}

	/**
	 * One update of every parameter in {@code parameters} from {@code grads} (same names, same shapes).
	 *
	 * @param learningRate this step's lr (after the schedule)
	 */
	public void step(Map<String, NDArray> parameters, Map<String, NDArray> grads, double learningRate) {
		step++;
		double bias1 = 1 - Math.pow(settings.beta1(), step);
		double bias2Sqrt = Math.sqrt(1 - Math.pow(settings.beta2(), step));
		double stepSize = learningRate / bias1;
		// scalars as float: the kernels compute in float32 either way, as torch does with Python scalars
		try (var off = GradMode.disabled(); NDManager scratch = stateManager.newSubManager()) {
			for (var entry : parameters.entrySet()) {
				String name = entry.getKey();
				NDArray p = entry.getValue();
				NDArray g = grads.get(name);
				if (g == null || !g.getShape().equals(p.getShape())) {
					throw new IllegalArgumentException("gradient of " + name + " missing or of the wrong shape");
				}
				NDArray m = firstMoments.computeIfAbsent(name, (n) -> stateManager.zeros(p.getShape(), p.getDataType()));
				NDArray v = secondMoments.computeIfAbsent(name, (n) -> stateManager.zeros(p.getShape(), p.getDataType()));
				if (settings.weightDecay() != 0) {
					p.muli((float) (1 - learningRate * settings.weightDecay()));
				}
				m.addi(scratch(scratch, g.sub(m)).muli((float) (1 - settings.beta1())));
				v.muli((float) settings.beta2()).addi(scratch(scratch, g.mul(g)).muli((float) (1 - settings.beta2())));
				NDArray denom = scratch(scratch, v.sqrt()).divi((float) bias2Sqrt).addi((float) settings.epsilon());
				p.subi(scratch(scratch, m.div(denom)).muli((float) stepSize));
			}
		}
	}

	private static NDArray scratch(NDManager scratch, NDArray temporary) {
		temporary.attach(scratch);
		return temporary;
	}

	/** Steps taken so far (PyTorch's {@code state['step']}). */
	public long stepCount() {
		return step;
	}

	public Settings settings() {
		return settings;
	}

	/** First moments by parameter name, unmodifiable (for checkpoints). */
	public Map<String, NDArray> firstMoments() {
		return Collections.unmodifiableMap(firstMoments);
	}

	/** Second moments by parameter name, unmodifiable (for checkpoints). */
	public Map<String, NDArray> secondMoments() {
		return Collections.unmodifiableMap(secondMoments);
	}

	/** Restores a saved state: the step count and m, v per name (copied onto the optimizer's manager). */
	public void restore(long stepCount, Map<String, NDArray> m, Map<String, NDArray> v) {
		if (!m.keySet().equals(v.keySet())) {
			throw new IllegalArgumentException("first and second moments name different parameters");
		}
		firstMoments.values().forEach(NDArray::close);
		secondMoments.values().forEach(NDArray::close);
		firstMoments.clear();
		secondMoments.clear();
		m.forEach((name, a) -> firstMoments.put(name, copy(a)));
		v.forEach((name, a) -> secondMoments.put(name, copy(a)));
		this.step = stepCount;
	}

	private NDArray copy(NDArray a) {
		NDArray c = a.duplicate();
		c.attach(stateManager);
		return c;
	}

	@Override
	public void close() {
		stateManager.close();
	}

}
