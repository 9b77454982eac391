package dev.vlmr1.studio.model;

import java.nio.file.Path;
import java.util.List;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;

import dev.vlmr1.studio.model.safetensors.DType;

/**
 * Turns a directory holding a {@code config.json} (and a tokenizer) into a complete checkpoint of a new, randomly
 * initialised model: builds {@link QwenVlModel} from {@link RandomInit}, so every tensor has exactly the name and
 * shape the loader expects, and saves it with {@link CheckpointFiles} as transformers would.
 */
public final class NewModel {

	private NewModel() {
	}

	/** What was written: the weight files and the number of parameters (tied embeddings counted once). */
	public record Written(List<Path> files, long parameterCount) {
	}

	/**
	 * Writes {@code model.safetensors} (float32) for the config in {@code dir}.
	 * @throws CheckpointException if the directory has no valid config.json
	 */
	public static Written writeRandomWeights(Path dir, long seed) {
		return writeRandomWeights(dir, new RandomInit(seed));
	}

	/** Writes {@code model.safetensors} (float32) with weights drawn by {@code init}. */
	public static Written writeRandomWeights(Path dir, RandomInit init) {
		return writeRandomWeights(dir, init, DType.F32, CheckpointFiles.DEFAULT_MAX_SHARD_BYTES);
	}

	/**
	 * Writes weights drawn by {@code init} stored as {@code storage} (BF16 as Qwen releases them), in shards of at
	 * most {@code maxShardBytes} with {@code model.safetensors.index.json} when there is more than one.
	 */
	public static Written writeRandomWeights(Path dir, RandomInit init, DType storage, long maxShardBytes) {
		QwenVlConfig config = QwenVlConfig.load(dir);
		try (QwenVlModel model = QwenVlModel.load(config, init, Device.cpu())) {
			long count = parameterCount(model);
			List<Path> files = CheckpointFiles.saveWeights(dir, model.parameters().all(),
					config.text().tieWordEmbeddings(), storage, maxShardBytes);
			return new Written(files, count);
		}
	}

	/** Trainable values in a model: every registered tensor once (a tied head shares the embedding). */
	public static long parameterCount(QwenVlModel model) {
		var distinct = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<NDArray, Boolean>());
		distinct.addAll(model.parameters().all().values());
		return distinct.stream().mapToLong(NDArray::size).sum();
	}

}
