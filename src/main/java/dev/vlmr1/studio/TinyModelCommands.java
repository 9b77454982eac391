package dev.vlmr1.studio;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import dev.vlmr1.studio.synth.SynthTask;
import dev.vlmr1.studio.synth.SyntheticDataset;
import dev.vlmr1.studio.synth.SyntheticDataset.Split;
import dev.vlmr1.studio.synth.SyntheticDatasetWriter;
import dev.vlmr1.studio.synth.TinyModelCreator;
import dev.vlmr1.studio.synth.TinyQwenVl;

/**
 * The out-of-the-box commands: {@code synth} writes the synthetic grounding dataset, {@code create-tiny-model} a new
 * tiny Qwen2.5-VL checkpoint with its own tokenizer.
 */
final class TinyModelCommands {

	private TinyModelCommands() {
	}

	/**
	 * {@code create-tiny-model --out DIR [--seed N] [--vocab-size V] [--corpus a.jsonl …]}: trains the tokenizer
	 * (on the jsonl files, else on a synthetic corpus), writes the configs and random weights into DIR.
	 */
	static int createTinyModel(String[] args, PrintStream out) {
		CliOptions options = CliOptions.parse(args, "--out", "--seed", "--vocab-size", "--corpus");
		Path dir = Path.of(options.required("--out"));
		long seed = options.longValue("--seed", 0);
		int vocab = options.intValue("--vocab-size", 1024, 270);
		List<Path> corpus = options.all("--corpus").stream().map(Path::of).toList();
		var created = TinyModelCreator.create(dir, seed, corpus, vocab, TinyQwenVl.DEFAULT);
		out.printf("created %s: vocabulary %d, %,d parameters%n", created.dir(), created.vocabSize(),
				created.parameterCount());
		return 0;
	}

	/**
	 * {@code synth --out DIR [--seed N] [--train 400] [--test 100]}: per task (rec, ovd, counting) an in-domain
	 * {@code <task>_train.jsonl} and {@code <task>_test_id.jsonl} and an out-of-domain {@code <task>_test_ood.jsonl},
	 * with their images in {@code DIR/images}. Each file has its own seed, so changing a count leaves the others.
	 */
	static int synth(String[] args, PrintStream out) {
		CliOptions options = CliOptions.parse(args, "--out", "--seed", "--train", "--test");
		Path dir = Path.of(options.required("--out"));
		long seed = options.longValue("--seed", 0);
		int train = options.intValue("--train", 400, 0);
		int test = options.intValue("--test", 100, 0);
		for (SynthTask task : SynthTask.values()) {
			String name = task.name().toLowerCase(java.util.Locale.ROOT);
			write(dir, seed, task, Split.IN_DOMAIN, train, name + "_train", out);
			write(dir, seed, task, Split.IN_DOMAIN, test, name + "_test_id", out);
			write(dir, seed, task, Split.OUT_OF_DOMAIN, test, name + "_test_ood", out);
		}
		return 0;
	}

	private static void write(Path dir, long seed, SynthTask task, Split split, int count, String name,
			PrintStream out) {
		var data = new SyntheticDataset(seed * 1_000_003L + name.hashCode(), 112, 112);
		var samples = data.generate(task, split, count, name.replace('_', '-'));
		Path file = SyntheticDatasetWriter.write(samples, dir, name);
		out.printf("wrote %s (%d samples)%n", file, samples.size());
	}

}
