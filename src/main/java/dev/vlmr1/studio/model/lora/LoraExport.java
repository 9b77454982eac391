package dev.vlmr1.studio.model.lora;

import java.nio.file.Path;
import java.util.List;

import ai.djl.ndarray.NDManager;

import dev.vlmr1.studio.model.CheckpointFiles;
import dev.vlmr1.studio.model.QwenVlModel;
import dev.vlmr1.studio.model.safetensors.DType;
import dev.vlmr1.studio.model.tokenizer.SpecialTokens;

/**
 * "Merge and export": a full Hugging Face checkpoint whose weights are the base's with every adapter merged in,
 * W + (α / r)·B·A (PEFT's {@code merge_and_unload()} followed by {@code save_pretrained}). The model itself is left
 * as it was; the merged weights exist only while they are written.
 */
public final class LoraExport {

	private LoraExport() {
	}

	/**
	 * Writes the merged checkpoint into {@code target}: {@code baseDir}'s config, tokenizer and preprocessor files and
	 * the merged weights in the released naming.
	 * @param storage F32, or BF16 / F16 as released checkpoints are stored
	 * @throws IllegalArgumentException if the model has no adapters
	 */
	public static List<Path> mergeAndSave(QwenVlModel model, Path baseDir, Path target, SpecialTokens special,
			DType storage) {
		LoraAdapters lora = model.lora();
		if (lora == null) {
			throw new IllegalArgumentException("the model has no LoRA adapters to merge");
		}
		try (NDManager scratch = model.manager().newSubManager()) {
			return CheckpointFiles.save(baseDir, target, lora.mergedWeights(model.parameters().all(), scratch), special,
					storage, CheckpointFiles.DEFAULT_MAX_SHARD_BYTES);
		}
	}

}
