package dev.vlmr1.studio.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.vlmr1.studio.model.CheckpointException;
import dev.vlmr1.studio.model.CheckpointFiles;
import dev.vlmr1.studio.model.lora.LoraAdapters;
import dev.vlmr1.studio.model.lora.PeftAdapterFiles;
import dev.vlmr1.studio.model.safetensors.DType;
import dev.vlmr1.studio.model.safetensors.SafetensorsReader;
import dev.vlmr1.studio.model.safetensors.SafetensorsWriter;
import dev.vlmr1.studio.model.safetensors.TensorInfo;
import dev.vlmr1.studio.model.safetensors.WritableTensor;
import dev.vlmr1.studio.model.tokenizer.SpecialTokens;

/**
 * A training checkpoint {@code checkpoint-<step>}: a Hugging Face model directory (config, weights in released
 * names, generation config, tokenizer and preprocessor files, loadable by transformers and vLLM) plus
 * {@code trainer_state.json} (global step, epoch, data position, seed), {@code optimizer.safetensors} (AdamW's m and
 * v per parameter, step in the metadata) and {@code rng_state.json}. Written into a temporary directory, marked
 * {@value #COMMITTED} and only then renamed, so a crash never leaves a half checkpoint under the final name.
 */
public final class TrainerCheckpoint {

	/** The marker file written last: only directories holding it are resumed from. */
	public static final String COMMITTED = "COMMITTED";

	private static final ObjectMapper JSON = new ObjectMapper();

	/**
	 * The trainer's position.
	 *
	 * @param globalStep optimiser steps done
	 * @param dataEpoch the epoch of the seeded data order the next prompt comes from
	 * @param dataIndex the position of the next prompt within that epoch's permutation
	 * @param seed the run seed (every other random draw derives from it and the step, see {@link Seeds})
	 */
	public record State(long globalStep, double epoch, int dataEpoch, int dataIndex, long seed) {

		DataOrder.Position data() {
			return new DataOrder.Position(dataEpoch, dataIndex);
		}

		static State of(long globalStep, DataOrder order, long seed) {
			return new State(globalStep, order.epochs(), order.position().epoch(), order.position().index(), seed);
		}

	}

	private TrainerCheckpoint() {
	}

	/** Writes {@code outputDir/checkpoint-<step>} and returns it. */
	public static Path save(Path outputDir, Path baseModel, SpecialTokens special, Map<String, NDArray> parameters,
			AdamW adamW, State state) {
		return save(outputDir, adamW, state, (dir) -> CheckpointFiles.save(baseModel, dir, parameters, special, DType.F32,
				CheckpointFiles.DEFAULT_MAX_SHARD_BYTES));
	}

	/**
	 * Writes {@code outputDir/checkpoint-<step>} of a LoRA run: the adapter in PEFT's format ({@code peft} loads the
	 * directory with {@code PeftModel.from_pretrained(base, dir)}; its {@code base_model_name_or_path} is
	 * {@code baseModel}'s absolute path), the base's config, tokenizer and preprocessor files, and the same trainer
	 * state and optimizer files as a full checkpoint (AdamW's moments of the adapter parameters).
	 */
	public static Path saveAdapter(Path outputDir, Path baseModel, SpecialTokens special, LoraAdapters adapters,
			AdamW adamW, State state) {
		return save(outputDir, adamW, state, (dir) -> {
			CheckpointFiles.copySupportFiles(baseModel, dir, special);
			PeftAdapterFiles.write(dir, adapters, baseModel.toAbsolutePath().normalize().toString());
		});
	}

	/**
	 * Copies a LoRA checkpoint's adapter values into {@code adapters} (same layers and rank), as a resumed run
	 * starts from them.
	 * @throws CheckpointException if the checkpoint holds no adapter or a different one
	 */
	public static void restoreAdapter(Path checkpoint, LoraAdapters adapters) {
		requireCommitted(checkpoint);
		if (!PeftAdapterFiles.isAdapter(checkpoint)) {
			throw new CheckpointException(checkpoint + " holds no LoRA adapter, but the run trains one");
		}
		PeftAdapterFiles.Adapter saved = PeftAdapterFiles.read(checkpoint);
		if (!saved.tensors().keySet().equals(adapters.parameters().keySet())) {
			throw new CheckpointException(checkpoint + ": the saved adapter covers other layers than the run's");
		}
		try (var off = GradMode.disabled()) {
			adapters.load(saved.source());
		}
	}

	private static Path save(Path outputDir, AdamW adamW, State state, ModelWriter model) {
		Path target = outputDir.resolve("checkpoint-" + state.globalStep());
		Path temporary = outputDir.resolve(".checkpoint-" + state.globalStep() + ".tmp");
		try {
			deleteRecursively(temporary);
			model.write(temporary);
			List<WritableTensor> moments = new ArrayList<>();
			adamW.firstMoments().forEach((name, m) -> moments.add(f32("exp_avg." + name, m)));
			adamW.secondMoments().forEach((name, v) -> moments.add(f32("exp_avg_sq." + name, v)));
			SafetensorsWriter.write(temporary.resolve("optimizer.safetensors"), moments,
					Map.of("step", Long.toString(adamW.stepCount()), "format", "pt"));
			ObjectNode trainer = JSON.createObjectNode();
			trainer.put("global_step", state.globalStep());
			trainer.put("epoch", state.epoch());
			trainer.put("data_epoch", state.dataEpoch());
			trainer.put("data_index", state.dataIndex());
			trainer.put("seed", state.seed());
			write(temporary.resolve("trainer_state.json"), trainer);
			ObjectNode rng = JSON.createObjectNode();
			rng.put("seed", state.seed());
			rng.put("next_step", state.globalStep());
			rng.put("scheme", "counter-based: sampling seed = mix(seed, step, micro_batch); data order = Random(seed, epoch)");
			write(temporary.resolve("rng_state.json"), rng);
			Files.writeString(temporary.resolve(COMMITTED), "step " + state.globalStep() + "\n");
			deleteRecursively(target);
			Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
			return target;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write checkpoint " + target, ex);
		}
	}

	/** The committed checkpoint with the highest step in {@code outputDir}, if any. */
	public static Optional<Path> latest(Path outputDir) {
		if (!Files.isDirectory(outputDir)) {
			return Optional.empty();
		}
		try (Stream<Path> dirs = Files.list(outputDir)) {
			return dirs.filter((d) -> d.getFileName().toString().matches("checkpoint-\\d+"))
				.filter((d) -> Files.isRegularFile(d.resolve(COMMITTED)))
				.max(Comparator.comparingLong((d) -> Long.parseLong(d.getFileName().toString().substring(11))));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Reads the trainer state of a committed checkpoint. */
	public static State readState(Path checkpoint) {
		requireCommitted(checkpoint);
		try {
			JsonNode n = JSON.readTree(checkpoint.resolve("trainer_state.json").toFile());
			return new State(n.get("global_step").asLong(), n.get("epoch").asDouble(), n.get("data_epoch").asInt(),
					n.get("data_index").asInt(), n.get("seed").asLong());
		}
		catch (IOException ex) {
			throw new CheckpointException(checkpoint + ": unreadable trainer_state.json: " + ex.getMessage(), ex);
		}
	}

	/** Restores AdamW's step and moments from a committed checkpoint. */
	public static void restoreOptimizer(Path checkpoint, AdamW adamW, NDManager manager) {
		requireCommitted(checkpoint);
		Map<String, NDArray> m = new LinkedHashMap<>();
		Map<String, NDArray> v = new LinkedHashMap<>();
		try (NDManager scratch = manager.newSubManager();
				var reader = SafetensorsReader.open(checkpoint.resolve("optimizer.safetensors"))) {
			for (TensorInfo info : reader.tensors()) {
				NDArray array = scratch.create(reader.floats(info.name()), new Shape(info.shape()));
				if (info.name().startsWith("exp_avg_sq.")) {
					v.put(info.name().substring("exp_avg_sq.".length()), array);
				}
				else if (info.name().startsWith("exp_avg.")) {
					m.put(info.name().substring("exp_avg.".length()), array);
				}
			}
			adamW.restore(Long.parseLong(reader.metadata().get("step")), m, v);
		}
	}

	private static void requireCommitted(Path checkpoint) {
		if (!Files.isRegularFile(checkpoint.resolve(COMMITTED))) {
			throw new CheckpointException(checkpoint + " is not a committed checkpoint (no " + COMMITTED + " marker)");
		}
	}

	@FunctionalInterface
	private interface ModelWriter {

		void write(Path dir) throws IOException;

	}

	private static WritableTensor f32(String name, NDArray array) {
		return WritableTensor.floats(name, DType.F32, array.getShape().getShape(), array::toFloatArray);
	}

	private static void write(Path file, ObjectNode json) throws IOException {
		Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
	}

	private static void deleteRecursively(Path dir) throws IOException {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> files = Files.walk(dir)) {
			for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(p);
			}
		}
	}

}
