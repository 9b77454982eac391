package dev.vlmr1.studio.train;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.vlmr1.studio.model.ChatMessage;
import dev.vlmr1.studio.model.ChatTemplate;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.image.ProcessedImages;

/**
 * A sample turned into model input (GRPO.md step 1): the chat-templated prompt ids with the images first, then the
 * question with the task's template sentence, then {@code <|im_start|>assistant\n}; plus the processed images.
 *
 * @param ids prompt token ids, image pads expanded
 * @param images pixel values [patches, 1176] and grids of the prompt's images (empty without images)
 * @param imageSizes {width, height} of each original image
 * @param text the user turn's text
 */
record PreparedPrompt(TrainingSample sample, long[] ids, ProcessedImages images, List<int[]> imageSizes, String text) {

	static PreparedPrompt of(TrainingSample sample, String userText, ChatTemplate chat, ImageProcessor processor) {
		List<BufferedImage> images = new ArrayList<>();
		List<int[]> sizes = new ArrayList<>();
		for (Path file : sample.images()) {
			BufferedImage image = ImageProcessor.read(file);
			images.add(image);
			sizes.add(new int[] { image.getWidth(), image.getHeight() });
		}
		ProcessedImages processed = processor.process(images);
		long[] ids = chat.prompt(List.of(ChatMessage.user(userText, images.size())), processed.tokensPerImage());
		return new PreparedPrompt(sample, ids, processed, sizes, userText);
	}

	boolean hasImages() {
		return images.gridThw().length > 0;
	}

}
