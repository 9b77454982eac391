package dev.vlmr1.studio.model.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

/**
 * Keys and values of every decoder layer for the tokens seen so far, plus the rope deltas of the prompt, so decoding
 * one token costs one token's work. Mirrors transformers' {@code DynamicCache}.
 *
 * <p>The cached arrays live on the cache's own manager and are taken out of any {@link NDScope}, so a decode loop
 * can close a scope per step while the cache survives; {@link #close()} frees them.
 *
 * <p>Legend: B batch, K key/value heads, S cached tokens, D head dim.
 */
public final class KvCache implements AutoCloseable {

	private final NDManager manager;

	private final NDArray[] keys;

	private final NDArray[] values;

	private long @org.jspecify.annotations.Nullable [] ropeDeltas;

	public KvCache(NDManager parent, int layers) {
		this.manager = parent.newSubManager();
		this.keys = new NDArray[layers];
		this.values = new NDArray[layers];
	}

	/** Number of tokens cached (including padding slots). */
	public long length() {
		return keys[0] == null ? 0 : keys[0].getShape().get(2);
	}

	/**
	 * Appends this step's keys and values of one layer and returns all of them.
	 * @param key (B, K, T, D)
	 * @param value (B, K, T, D)
	 * @return [keys (B, K, S + T, D), values (B, K, S + T, D)]
	 */
	NDList append(int layer, NDArray key, NDArray value) {
		NDArray allKeys = keys[layer] == null ? key : keys[layer].concat(key, 2);
		NDArray allValues = values[layer] == null ? value : values[layer].concat(value, 2);
		keep(allKeys);
		keep(allValues);
		if (keys[layer] != null) {
			keys[layer].close();
			values[layer].close();
		}
		keys[layer] = allKeys;
		values[layer] = allValues;
		return new NDList(allKeys, allValues);
	}

	private void keep(NDArray array) {
		NDScope.unregister(array);
		array.attach(manager);
	}

	/** The prompt's rope deltas (B), set by the prefill; null before. */
	public long @org.jspecify.annotations.Nullable [] ropeDeltas() {
		return ropeDeltas;
	}

	public void setRopeDeltas(long[] ropeDeltas) {
		this.ropeDeltas = ropeDeltas.clone();
	}

	@Override
	public void close() {
		manager.close();
	}

}
