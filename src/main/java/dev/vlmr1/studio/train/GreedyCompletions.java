package dev.vlmr1.studio.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import dev.vlmr1.studio.model.ChatTemplate;
import dev.vlmr1.studio.model.Generation;
import dev.vlmr1.studio.model.Generator;
import dev.vlmr1.studio.model.ModelInputs;
import dev.vlmr1.studio.model.SamplingParams;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;

/**
 * Greedy completions of a policy for a batch of samples, prompted exactly as the trainers prompt them (images,
 * then the question in the task's template): what an evaluation scores. VLM-R1 evaluates with greedy decoding.
 */
public final class GreedyCompletions {

	/**
	 * One sample's completion.
	 *
	 * @param imageSizes {width, height} of each original image
	 * @param gridThw the {@code image_grid_thw} each image was fed with (boxes the model writes live in that frame)
	 */
	public record Completed(TrainingSample sample, String text, List<int[]> imageSizes, List<long[]> gridThw) {
	}

	private final Policy policy;

	private final QwenTokenizer tokenizer;

	private final ImageProcessor processor;

	private final ChatTemplate chat;

	private final String template;

	private final int maxNewTokens;

	/**
	 * @param template the prompt template with a {@code {question}} placeholder
	 * @param maxNewTokens the longest completion
	 */
	public GreedyCompletions(Policy policy, QwenTokenizer tokenizer, ImageProcessor processor, String template,
			int maxNewTokens) {
		if (!template.contains("{question}") || maxNewTokens < 1) {
			throw new IllegalArgumentException("need a template with {question} and max_new_tokens >= 1");
		}
		this.policy = policy;
		this.tokenizer = tokenizer;
		this.processor = processor;
		this.chat = new ChatTemplate(tokenizer);
		this.template = template;
		this.maxNewTokens = maxNewTokens;
	}

	/** Completes every sample of the batch in one batched, left-padded greedy generation. */
	public List<Completed> complete(List<TrainingSample> batch) {
		if (batch.isEmpty()) {
			return List.of();
		}
		List<PreparedPrompt> prompts = batch.stream()
			.map((s) -> PreparedPrompt.of(s, template.replace("{question}", s.question()), chat, processor))
			.toList();
		var special = tokenizer.specialTokens();
		SamplingParams greedy = new SamplingParams(maxNewTokens, 0, 0, 1, 0, List.of(special.imEnd(), special.pad()),
				special.pad());
		Generation generation;
		try (NDManager scratch = policy.manager().newSubManager()) {
			generation = new Generator(policy.model(), null).generate(prompts.stream().map(PreparedPrompt::ids).toList(),
					(inputs) -> withImages(scratch, inputs, prompts), greedy);
		}
		List<Completed> out = new ArrayList<>();
		for (int i = 0; i < prompts.size(); i++) {
			PreparedPrompt p = prompts.get(i);
			out.add(new Completed(p.sample(), tokenizer.decode(generation.tokenIds().get(i), true), p.imageSizes(),
					Arrays.asList(p.images().gridThw())));
		}
		return out;
	}

	/** Pixel values [Σ patches, patchDim] and grids of the batch's images, in prompt order. */
	private ModelInputs withImages(NDManager manager, ModelInputs inputs, List<PreparedPrompt> prompts) {
		List<long[]> grids = new ArrayList<>();
		int length = 0;
		for (PreparedPrompt p : prompts) {
			if (p.hasImages()) {
				grids.addAll(Arrays.asList(p.images().gridThw()));
				length += p.images().pixelValues().length;
			}
		}
		if (grids.isEmpty()) {
			return inputs;
		}
		float[] pixels = new float[length];
		int offset = 0;
		for (PreparedPrompt p : prompts) {
			if (p.hasImages()) {
				float[] values = p.images().pixelValues();
				System.arraycopy(values, 0, pixels, offset, values.length);
				offset += values.length;
			}
		}
		long patchDim = policy.config().vision().patchDim();
		return inputs.withImages(manager.create(pixels, new Shape(length / patchDim, patchDim)),
				grids.toArray(long[][]::new));
	}

}
