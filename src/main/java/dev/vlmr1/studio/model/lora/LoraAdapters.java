package dev.vlmr1.studio.model.lora;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import dev.vlmr1.studio.model.Scalars;
import dev.vlmr1.studio.model.TensorSource;

/**
 * The LoRA adapters of one model: one {@link LoraAdapter} on each target {@link Projection}, their parameters by
 * name ({@code <released module>.lora_A.weight} / {@code .lora_B.weight}), and two switches shared by all of them:
 * <ul>
 * <li>{@link #disabled()}: the base model alone, as PEFT's {@code disable_adapter()}. GRPO's KL reference is the
 * policy with its adapters off, so LoRA needs no second copy of the weights (TRL does the same with PEFT).</li>
 * <li>{@link #training(long)}: dropout on the adapters' inputs, with masks drawn from libtorch's generator seeded
 * for the forward, so a step (and a resumed run) draws the same masks again.</li>
 * </ul>
 * The base weights are never touched: {@link #mergedWeights} builds merged copies for export.
 */
public final class LoraAdapters {

	/** Suffix of the down projection A [r, in]. */
	public static final String A = ".lora_A.weight";

	/** Suffix of the up projection B [out, r]. */
	public static final String B = ".lora_B.weight";

	private final LoraConfig config;

	private final Map<String, Projection> targets = new LinkedHashMap<>();

	private final Map<String, NDArray> parameters = new LinkedHashMap<>();

	private boolean enabled = true;

	private boolean training;

	/** The dropout seed of the current {@link #training(long)} switch. */
	private long seed;

	/** Whether exactly the layers {@code config.targets()} selects carry adapters (not an arbitrary subset). */
	private boolean targetsArePreset;

	private LoraAdapters(LoraConfig config) {
		this.config = config;
	}

	/**
	 * Attaches adapters to every projection {@code config.targets()} selects, with values from {@code source}
	 * (names {@code <module>.lora_A.weight} [r, in] and {@code <module>.lora_B.weight} [out, r]).
	 * @param projections every linear layer of the model by released module name
	 * @param manager owns the adapter arrays (the model's)
	 * @throws IllegalStateException if a projection already carries an adapter
	 * @throws IllegalArgumentException if the targets select no layer
	 */
	public static LoraAdapters attach(Map<String, Projection> projections, NDManager manager, LoraConfig config,
			TensorSource source) {
		LoraAdapters adapters = attach(projections, manager, config, source, config.targets()::matches);
		adapters.targetsArePreset = true;
		return adapters;
	}

	/**
	 * As {@link #attach(Map, NDManager, LoraConfig, TensorSource)}, on the layers {@code selects} accepts (an adapter
	 * file may cover any subset of layers).
	 */
	public static LoraAdapters attach(Map<String, Projection> projections, NDManager manager, LoraConfig config,
			TensorSource source, Predicate<String> selects) {
		LoraAdapters adapters = new LoraAdapters(config);
		for (Projection p : projections.values()) {
			if (!selects.test(p.module())) {
				continue;
			}
			if (p.adapter() != null) {
				throw new IllegalStateException(p.module() + " already carries a LoRA adapter");
			}
			String aName = p.module() + A;
			String bName = p.module() + B;
			NDArray a = manager.create(source.floats(aName, config.r(), p.inFeatures()), new Shape(config.r(), p.inFeatures()));
			NDArray b = manager.create(source.floats(bName, p.outFeatures(), config.r()),
					new Shape(p.outFeatures(), config.r()));
			a.setName(aName);
			b.setName(bName);
			adapters.parameters.put(aName, a);
			adapters.parameters.put(bName, b);
			adapters.targets.put(p.module(), p);
			p.attach(new LoraAdapter(adapters, a, b, config.scaling(), p.module().hashCode()));
		}
		if (adapters.targets.isEmpty()) {
			throw new IllegalArgumentException("the LoRA targets " + config.targets() + " select no layer of the model");
		}
		return adapters;
	}

	/**
	 * PEFT's initialisation: A from kaiming-uniform with a = √5, which for A [r, in] is U(−1/√in, 1/√in), B zeros,
	 * so a fresh adapter changes nothing. Each A depends only on the seed and its name.
	 */
	public static TensorSource peftInit(long seed) {
		return (name, shape) -> {
			float[] values = new float[Math.toIntExact(shape[0] * shape[1])];
			if (name.endsWith(A)) {
				double bound = 1 / Math.sqrt(shape[1]);
				SplittableRandom random = new SplittableRandom(seed ^ (name.hashCode() * 0x9E3779B97F4A7C15L));
				for (int i = 0; i < values.length; i++) {
					values[i] = (float) random.nextDouble(-bound, bound);
				}
			}
			return values;
		};
	}

	public LoraConfig config() {
		return config;
	}

	/** Every adapter parameter by name (A then B of each target layer, in layer order), unmodifiable. */
	public Map<String, NDArray> parameters() {
		return Collections.unmodifiableMap(parameters);
	}

	/** The layers that carry adapters, by released module name. */
	public Collection<Projection> targets() {
		return Collections.unmodifiableCollection(targets.values());
	}

	/**
	 * Whether the adapted layers are exactly those {@code config().targets()} selects; false for an adapter read from
	 * a file, which may cover any subset of layers.
	 */
	public boolean targetsArePreset() {
		return targetsArePreset;
	}

	/** Whether the adapters add their output (the default); see {@link #disabled()}. */
	public boolean enabled() {
		return enabled;
	}

	/** Switches the adapters off until the returned switch is closed: the model computes as its base. */
	public Switch disabled() {
		boolean before = enabled;
		enabled = false;
		return () -> enabled = before;
	}

	/**
	 * Turns adapter dropout on until the returned switch is closed. Each adapter seeds libtorch's generator from
	 * {@code seed} and its own layer's name before drawing its mask, so a mask is a function of the seed and the layer
	 * alone: a step (and a resumed run) draws the same masks again, and so does a layer run a second time by gradient
	 * checkpointing, whatever ran in between. Without dropout this changes nothing.
	 */
	public Switch training(long seed) {
		boolean before = training;
		long seedBefore = this.seed;
		if (config.dropout() > 0) {
			this.seed = seed;
			training = true;
		}
		return () -> {
			training = before;
			this.seed = seedBefore;
		};
	}

	/**
	 * The adapter's input: x, or x with elements zeroed with probability p and the rest scaled by 1/(1 − p).
	 * @param stream the adapter's own seed stream (from its module name)
	 */
	NDArray dropout(NDArray x, long stream) {
		double p = config.dropout();
		if (!training || p == 0) {
			return x;
		}
		long mixed = seed ^ (stream * 0x9E3779B97F4A7C15L);
		Engine.getInstance().setRandomSeed((int) (mixed ^ (mixed >>> 32)));
		NDArray keep = x.getManager().randomUniform(0f, 1f, x.getShape(), DataType.FLOAT32).gte(p).toType(x.getDataType(), false);
		return x.mul(keep).mul(Scalars.of(x, 1 / (1 - p)));
	}

	/**
	 * The base parameters with every target weight replaced by W + scaling · B·A (new arrays on {@code manager});
	 * all other entries are the base's own arrays.
	 */
	public Map<String, NDArray> mergedWeights(Map<String, NDArray> base, NDManager manager) {
		Map<String, NDArray> merged = new LinkedHashMap<>(base);
		for (Projection p : targets.values()) {
			String name = p.module() + ".weight";
			if (!base.containsKey(name)) {
				throw new IllegalArgumentException("the base parameters have no " + name);
			}
			NDArray delta = p.adapter().delta();
			NDArray weight = base.get(name).add(delta);
			weight.attach(manager);
			delta.close();
			merged.put(name, weight);
		}
		return merged;
	}

	/** Copies values into the adapter parameters in place (same names and shapes), e.g. when resuming. */
	public void load(TensorSource source) {
		parameters.forEach((name, p) -> {
			float[] values = source.floats(name, p.getShape().getShape());
			p.set(values);
		});
	}

	/** Removes the adapters from their layers: the model is its base again. */
	public void detach() {
		targets.values().forEach((p) -> p.attach(null));
	}

	/** A switch that restores the previous state when closed. */
	@FunctionalInterface
	public interface Switch extends AutoCloseable {

		@Override
		void close();

	}

}
