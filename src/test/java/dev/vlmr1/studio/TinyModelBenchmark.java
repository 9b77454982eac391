package dev.vlmr1.studio;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import dev.vlmr1.studio.model.ChatTemplate;
import dev.vlmr1.studio.model.Generation;
import dev.vlmr1.studio.model.Generator;
import dev.vlmr1.studio.model.ModelInputs;
import dev.vlmr1.studio.model.NewModel;
import dev.vlmr1.studio.model.QwenVlModel;
import dev.vlmr1.studio.model.SamplingParams;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.image.ProcessedImages;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;
import dev.vlmr1.studio.synth.BpeTokenizerTrainer;
import dev.vlmr1.studio.synth.SynthSample;
import dev.vlmr1.studio.synth.SynthTask;
import dev.vlmr1.studio.synth.SyntheticDataset;
import dev.vlmr1.studio.synth.TinyModelCreator;
import dev.vlmr1.studio.synth.TinyQwenVl;
import dev.vlmr1.studio.synth.TokenizerCorpus;

/**
 * Cost of the tiny model on this machine: tokenizer training, checkpoint creation, and one SFT-like step —
 * forward + backward of the cross-entropy of a REC answer after a 112×112 image prompt — against a forward alone in
 * the same run (the ratio is the backward's overhead) and against the 1 s budget a CPU training step may take.
 * Run with {@code main [rounds]}; not a test.
 */
public final class TinyModelBenchmark {

	private TinyModelBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
		long start = System.nanoTime();
		List<String> corpus = TokenizerCorpus.fromSamples(TinyModelCreator.syntheticCorpus(1));
		double corpusMs = (System.nanoTime() - start) / 1e6;
		start = System.nanoTime();
		var tokenizer = new BpeTokenizerTrainer(1024, 2).train(corpus);
		double trainMs = (System.nanoTime() - start) / 1e6;
		System.out.printf("tokenizer: %d texts generated in %.0f ms, trained to %d tokens in %.0f ms%n", corpus.size(),
				corpusMs, tokenizer.size(), trainMs);
		Path dir = Files.createTempDirectory("tiny-model-benchmark").resolve("m");
		start = System.nanoTime();
		TinyModelCreator.create(dir, 1, List.of(), 1024, TinyQwenVl.DEFAULT);
		System.out.printf("create-tiny-model: %.0f ms%n", (System.nanoTime() - start) / 1e6);
		SynthSample sample = new SyntheticDataset(2, 112, 112)
			.generate(SynthTask.REC, SyntheticDataset.Split.IN_DOMAIN, 1, "b")
			.get(0);
		try (QwenVlModel model = QwenVlModel.load(dir); QwenTokenizer tok = QwenTokenizer.load(dir)) {
			System.out.printf("parameters: %,d (vocabulary %d)%n", NewModel.parameterCount(model),
					model.config().text().vocabSize());
			ProcessedImages image = ImageProcessor.fromCheckpoint(dir).process(List.of(sample.image()));
			long[] prompt = new ChatTemplate(tok).userPrompt(sample.question(), image);
			long[] answer = tok.encode("<think>The target is here.</think>\n<answer>" + sample.solution()
					+ "</answer><|im_end|>");
			long[] ids = new long[prompt.length + answer.length];
			System.arraycopy(prompt, 0, ids, 0, prompt.length);
			System.arraycopy(answer, 0, ids, prompt.length, answer.length);
			System.out.printf("sequence: %d prompt tokens (%d image tokens) + %d answer tokens%n", prompt.length,
					image.tokensPerImage()[0], answer.length);
			model.parameters().all().values().forEach((p) -> p.setRequiresGradient(true));
			for (int i = 0; i < 3; i++) {
				step(model, image, ids, prompt.length, true);
				step(model, image, ids, prompt.length, false);
			}
			double[] both = time(rounds, () -> step(model, image, ids, prompt.length, true));
			double[] forward = time(rounds, () -> step(model, image, ids, prompt.length, false));
			System.out.printf("forward %.1f ms wall / %.1f ms CPU, forward+backward %.1f ms wall / %.1f ms CPU%n",
					forward[0], forward[1], both[0], both[1]);
			System.out.printf("backward overhead ratio %.2f (CPU), forward+backward CPU time to the 1000 ms budget "
					+ "%.3f%n", both[1] / forward[1], both[1] / 1000);
			try (NDManager manager = model.manager().newSubManager()) {
				ModelInputs inputs = ModelInputs.of(manager.create(prompt, new Shape(1, prompt.length)))
					.withImages(manager.create(image.pixelValues(), new Shape(image.shape())), image.gridThw());
				var params = SamplingParams.greedy(32, model.config()).withEos(List.of());
				Generator generator = new Generator(model, null);
				generator.generate(inputs, params);
				start = System.nanoTime();
				Generation out = generator.generate(inputs, params);
				double ms = (System.nanoTime() - start) / 1e6;
				System.out.printf("greedy generation: %d tokens in %.0f ms (%.0f tokens/s)%n",
						out.tokenIds().get(0).length, ms, out.tokenIds().get(0).length * 1000 / ms);
			}
		}
	}

	/**
	 * Mean wall and process CPU milliseconds per call. On a shared, overloaded machine the CPU time (all threads, so
	 * up to 2× wall on an idle 2-core box) is the honest figure: wall time mostly measures the other processes.
	 */
	private static double[] time(int rounds, Runnable body) {
		var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
			.getOperatingSystemMXBean();
		long cpu = os.getProcessCpuTime();
		long start = System.nanoTime();
		for (int i = 0; i < rounds; i++) {
			body.run();
		}
		double wall = (System.nanoTime() - start) / 1e6 / rounds;
		return new double[] { wall, (os.getProcessCpuTime() - cpu) / 1e6 / rounds };
	}

	/** Cross-entropy of the answer tokens given everything before them; with or without its backward. */
	private static void step(QwenVlModel model, ProcessedImages image, long[] ids, int promptLength, boolean backward) {
		// a forward alone runs as inference does, without recording the graph
		ai.djl.pytorch.jni.JniUtils.setGradMode(backward);
		try (NDManager manager = model.manager().newSubManager();
				GradientCollector collector = backward ? Engine.getInstance().newGradientCollector() : null) {
			ModelInputs inputs = ModelInputs.of(manager.create(ids, new Shape(1, ids.length)))
				.withImages(manager.create(image.pixelValues(), new Shape(image.shape())), image.gridThw());
			NDArray logits = model.forward(inputs).logits(); // (1, T, V)
			NDArray logProbs = logits.get(new NDIndex("0, {}:{}, :", promptLength - 1, ids.length - 1)).logSoftmax(-1);
			long[] answer = java.util.Arrays.copyOfRange(ids, promptLength, ids.length);
			NDArray targets = manager.create(answer).expandDims(-1);
			NDArray loss = logProbs.gather(targets, -1).neg().mean();
			if (collector != null) {
				collector.backward(loss);
				collector.zeroGradients();
			}
			else {
				loss.getFloat();
			}
		}
	}

}
