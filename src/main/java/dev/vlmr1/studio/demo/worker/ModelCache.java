package dev.vlmr1.studio.demo.worker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Loaded models by checkpoint directory, at most {@code capacity} of them: a miss loads the model and, when the
 * cache is full, closes the least recently used one first (its libtorch memory goes back before the new one is
 * allocated, so the bound is a bound on memory, not only on entries).
 *
 * <p>Used by the worker's one inference thread; {@link #keys()} is a snapshot other threads may read.
 */
final class ModelCache implements AutoCloseable {

	/** A looked-up model, and whether it was already loaded. */
	record Lookup(LoadedModel model, boolean hit) {
	}

	private final int capacity;

	private final Function<Path, LoadedModel> loader;

	/** Access order: iteration starts at the least recently used entry. */
	private final LinkedHashMap<Path, LoadedModel> models = new LinkedHashMap<>(16, 0.75f, true);

	private volatile List<String> keys = List.of();

	ModelCache(int capacity, Function<Path, LoadedModel> loader) {
		if (capacity < 1) {
			throw new IllegalArgumentException("the model cache must hold at least one model, got " + capacity);
		}
		this.capacity = capacity;
		this.loader = loader;
	}

	int capacity() {
		return capacity;
	}

	Lookup get(Path dir) {
		LoadedModel cached = models.get(dir);
		if (cached != null) {
			snapshot();
			return new Lookup(cached, true);
		}
		// make room first: two large models side by side may not fit where one does
		while (models.size() >= capacity) {
			Iterator<Map.Entry<Path, LoadedModel>> eldest = models.entrySet().iterator();
			LoadedModel evicted = eldest.next().getValue();
			eldest.remove();
			evicted.close();
		}
		snapshot();
		LoadedModel loaded = loader.apply(dir);
		models.put(dir, loaded);
		snapshot();
		return new Lookup(loaded, false);
	}

	/** Native bytes of the weights of every cached model. */
	long weightBytes() {
		return models.values().stream().mapToLong(LoadedModel::weightBytes).sum();
	}

	/** The cached directories, least recently used first. */
	List<String> keys() {
		return keys;
	}

	private void snapshot() {
		List<String> now = new ArrayList<>();
		models.keySet().forEach((p) -> now.add(p.toString()));
		keys = List.copyOf(now);
	}

	@Override
	public void close() {
		models.values().forEach(LoadedModel::close);
		models.clear();
		snapshot();
	}

}
