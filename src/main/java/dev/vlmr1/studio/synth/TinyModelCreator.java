package dev.vlmr1.studio.synth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.vlmr1.studio.model.CheckpointFiles;
import dev.vlmr1.studio.model.NewModel;
import dev.vlmr1.studio.model.RandomInit;

/**
 * Creates a tiny Qwen2.5-VL checkpoint from scratch: trains a byte-level BPE tokenizer on a corpus (VLM-R1 jsonl
 * files, or a synthetic one drawn from the seed), writes the config files for {@link TinyQwenVl}'s shape with that
 * tokenizer's special token ids (in the config forms of transformers 4.x and 5.x, with Qwen2.5-VL's chat template),
 * then random weights — a directory that {@code QwenVlModel.load} and transformers' {@code from_pretrained} (4.49
 * to 5.x) both open.
 */
public final class TinyModelCreator {

	/** Synthetic samples per task and split when no corpus is given. */
	static final int SYNTHETIC_CORPUS_PER_TASK = 400;

	private TinyModelCreator() {
	}

	/** What was created: the checkpoint directory, its vocabulary size and parameter count. */
	public record Created(Path dir, int vocabSize, long parameterCount) {
	}

	/**
	 * @param out a new or empty directory
	 * @param corpus VLM-R1 jsonl files to train the tokenizer on; empty for a synthetic corpus from {@code seed}
	 * @param vocabSize target vocabulary incl. bytes and special tokens; smaller if the corpus runs out of pairs
	 * @throws IllegalArgumentException if {@code out} is a non-empty directory or a file, or a corpus file is invalid
	 */
	public static Created create(Path out, long seed, List<Path> corpus, int vocabSize, TinyQwenVl shape) {
		requireEmpty(out);
		List<String> texts = new ArrayList<>();
		if (corpus.isEmpty()) {
			texts.addAll(TokenizerCorpus.fromSamples(syntheticCorpus(seed)));
		}
		for (Path file : corpus) {
			if (!Files.isRegularFile(file)) {
				throw new IllegalArgumentException(file + ": no such corpus file");
			}
			texts.addAll(TokenizerCorpus.fromJsonl(file));
		}
		BpeTokenizer tokenizer = new BpeTokenizerTrainer(vocabSize, 2).train(texts);
		tokenizer.write(out);
		shape.write(out, tokenizer);
		CheckpointFiles.completeForTransformers(out);
		NewModel.Written weights = NewModel.writeRandomWeights(out, new RandomInit(seed, shape.initializerRange()));
		return new Created(out, tokenizer.size(), weights.parameterCount());
	}

	public static List<SynthSample> syntheticCorpus(long seed) {
		var data = new SyntheticDataset(seed, 112, 112);
		List<SynthSample> samples = new ArrayList<>();
		for (SynthTask task : SynthTask.values()) {
			for (SyntheticDataset.Split split : SyntheticDataset.Split.values()) {
				samples.addAll(data.generate(task, split, SYNTHETIC_CORPUS_PER_TASK, task + "-" + split));
			}
		}
		return samples;
	}

	private static void requireEmpty(Path out) {
		if (Files.isRegularFile(out)) {
			throw new IllegalArgumentException(out + " is a file, not a directory");
		}
		if (Files.isDirectory(out)) {
			try (var entries = Files.list(out)) {
				if (entries.findAny().isPresent()) {
					throw new IllegalArgumentException(out + " is not empty: refusing to overwrite a checkpoint");
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

}
