package dev.vlmr1.studio.model;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;


import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.lora.LoraExport;
import dev.vlmr1.studio.model.lora.PeftAdapterFiles;
import dev.vlmr1.studio.model.safetensors.DType;
import dev.vlmr1.studio.model.image.ProcessedImages;
import dev.vlmr1.studio.model.safetensors.SafetensorsException;
import dev.vlmr1.studio.model.safetensors.SafetensorsReader;
import dev.vlmr1.studio.model.safetensors.SafetensorsWriter;
import dev.vlmr1.studio.model.safetensors.WritableTensor;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;

/**
 * The model's command-line tools: {@code forward} (dump every intermediate of one forward pass, to compare with any
 * other implementation) and {@code infer} (answer a question about images). Each returns an exit code; bad
 * arguments throw {@link IllegalArgumentException}.
 */
public final class ModelCommands {

	private ModelCommands() {
	}

	/**
	 * {@code merge-lora --adapter DIR --out DIR [--base DIR] [--dtype f32|bf16|f16]}: merges a PEFT adapter into its
	 * base (the one {@code base_model_name_or_path} names, or {@code --base}) and writes a full checkpoint.
	 */
	public static int mergeLora(String[] args) {
		Map<String, List<String>> options = options(args, "--adapter", "--out", "--base", "--dtype");
		Path adapter = Path.of(single(options, "--adapter"));
		Path out = Path.of(single(options, "--out"));
		String dtype = options.containsKey("--dtype") ? single(options, "--dtype") : "f32";
		DType storage = switch (dtype) {
			case "f32" -> DType.F32;
			case "bf16" -> DType.BF16;
			case "f16" -> DType.F16;
			default -> throw new IllegalArgumentException("--dtype must be f32, bf16 or f16, not " + dtype);
		};
		try {
			Path base = options.containsKey("--base") ? Path.of(single(options, "--base"))
					: PeftAdapterFiles.basePath(adapter);
			// phase lines: the server's merge job shows them as its progress
			System.out.println("phase: loading");
			try (QwenVlModel model = QwenVlModel.loadWithAdapter(base, adapter, RunDevice.configured());
					QwenTokenizer tokenizer = QwenTokenizer.load(base)) {
				System.out.println("phase: writing");
				LoraExport.mergeAndSave(model, base, out, tokenizer.specialTokens(), storage);
			}
		}
		catch (CheckpointException | SafetensorsException ex) {
			throw new IllegalArgumentException(ex.getMessage(), ex);
		}
		System.out.println("wrote " + out);
		return 0;
	}

	/**
	 * {@code forward --model DIR --inputs in.safetensors --out out.safetensors}: reads {@code input_ids},
	 * {@code attention_mask} (optional), {@code pixel_values} and {@code image_grid_thw} (optional), writes
	 * {@code logits}, {@code position_ids}, {@code rope_deltas}, {@code image_embeds} and {@code hidden_states.i}.
	 */
	public static int forward(String[] args) {
		Map<String, List<String>> options = options(args, "--model", "--inputs", "--out");
		Path out = Path.of(single(options, "--out"));
		try (QwenVlModel model = QwenVlModel.load(Path.of(single(options, "--model")));
				SafetensorsReader inputs = SafetensorsReader.open(Path.of(single(options, "--inputs")));
				NDManager manager = model.manager().newSubManager()) {
			ModelInputs batch = ModelInputs.of(array(manager, inputs, "input_ids", true)).withHiddenStates();
			if (inputs.contains("attention_mask")) {
				batch = batch.withAttentionMask(array(manager, inputs, "attention_mask", true));
			}
			if (inputs.contains("pixel_values")) {
				if (!inputs.contains("image_grid_thw")) {
					throw new IllegalArgumentException("pixel_values given without image_grid_thw");
				}
				long[] grids = inputs.longs("image_grid_thw");
				long[][] gridThw = new long[grids.length / 3][];
				for (int i = 0; i < gridThw.length; i++) {
					gridThw[i] = new long[] { grids[3 * i], grids[3 * i + 1], grids[3 * i + 2] };
				}
				batch = batch.withImages(array(manager, inputs, "pixel_values", false), gridThw);
			}
			ModelOutput output = model.forward(batch);
			List<WritableTensor> tensors = new ArrayList<>();
			tensors.add(WritableTensor.f32("logits", shape(output.logits()), output.logits().toFloatArray()));
			tensors.add(WritableTensor.i64("position_ids", shape(output.positionIds()),
					output.positionIds().toLongArray()));
			tensors.add(WritableTensor.i64("rope_deltas", shape(output.ropeDeltas()), output.ropeDeltas().toLongArray()));
			if (output.imageEmbeds() != null) {
				tensors.add(WritableTensor.f32("image_embeds", shape(output.imageEmbeds()),
						output.imageEmbeds().toFloatArray()));
			}
			for (int i = 0; i < output.hiddenStates().size(); i++) {
				NDArray hidden = output.hiddenStates().get(i);
				tensors.add(WritableTensor.f32("hidden_states." + i, shape(hidden), hidden.toFloatArray()));
			}
			SafetensorsWriter.write(out, tensors);
		}
		catch (CheckpointException | SafetensorsException ex) {
			throw new IllegalArgumentException(ex.getMessage(), ex);
		}
		System.out.println("wrote " + out);
		return 0;
	}

	/**
	 * {@code infer --model DIR --image a.png [--image b.png …] --prompt "…" [--max-new-tokens N]}: prints the
	 * greedy answer (special tokens left out).
	 */
	public static int infer(String[] args) {
		return infer(args, System.out);
	}

	static int infer(String[] args, PrintStream out) {
		Map<String, List<String>> options = options(args, "--model", "--image", "--prompt", "--max-new-tokens");
		Path dir = Path.of(single(options, "--model"));
		int maxNewTokens = Integer.parseInt(options.getOrDefault("--max-new-tokens", List.of("128")).get(0));
		List<java.awt.image.BufferedImage> images = new ArrayList<>();
		for (String image : options.getOrDefault("--image", List.of())) {
			images.add(ImageProcessor.read(Path.of(image)));
		}
		try (QwenVlModel model = QwenVlModel.load(dir);
				QwenTokenizer tokenizer = QwenTokenizer.load(dir);
				NDManager manager = model.manager().newSubManager()) {
			ProcessedImages processed = ImageProcessor.fromCheckpoint(dir).process(images);
			long[] prompt = new ChatTemplate(tokenizer).userPrompt(single(options, "--prompt"), processed);
			ModelInputs inputs = ModelInputs.of(manager.create(prompt, new Shape(1, prompt.length)));
			if (processed.gridThw().length > 0) {
				inputs = inputs.withImages(manager.create(processed.pixelValues(), new Shape(processed.shape())),
						processed.gridThw());
			}
			Generator generator = Generator.withTokenizer(model, tokenizer);
			Generation answer = generator.generate(inputs, SamplingParams.greedy(maxNewTokens, model.config()));
			out.println(answer.texts().get(0));
		}
		catch (CheckpointException ex) {
			throw new IllegalArgumentException(ex.getMessage(), ex);
		}
		return 0;
	}

	private static NDArray array(NDManager manager, SafetensorsReader reader, String name, boolean integer) {
		Shape shape = new Shape(reader.info(name).shape());
		return integer ? manager.create(reader.longs(name), shape) : manager.create(reader.floats(name), shape);
	}

	private static long[] shape(NDArray array) {
		return array.getShape().getShape();
	}

	private static Map<String, List<String>> options(String[] args, String... known) {
		Map<String, List<String>> options = new HashMap<>();
		List<String> allowed = List.of(known);
		for (int i = 0; i < args.length; i += 2) {
			if (!allowed.contains(args[i]) || i + 1 >= args.length) {
				throw new IllegalArgumentException("usage: options " + allowed + ", each with a value; got " + args[i]);
			}
			options.computeIfAbsent(args[i], (k) -> new ArrayList<>()).add(args[i + 1]);
		}
		return options;
	}

	private static String single(Map<String, List<String>> options, String name) {
		List<String> values = options.get(name);
		if (values == null || values.size() != 1) {
			throw new IllegalArgumentException("need exactly one " + name);
		}
		return values.get(0);
	}

}
