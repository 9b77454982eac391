package dev.vlmr1.studio.synth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes samples as a VLM-R1 jsonl file plus an {@code images/} folder beside it, so synthetic data goes through
 * the same upload path as any user's dataset.
 */
public final class SyntheticDatasetWriter {

	private static final ObjectMapper JSON = new ObjectMapper();

	private SyntheticDatasetWriter() {
	}

	/** Writes {@code <dir>/<name>.jsonl} and {@code <dir>/images/<id>.png}; returns the jsonl path. */
	public static Path write(List<SynthSample> samples, Path dir, String name) {
		try {
			Path images = Files.createDirectories(dir.resolve("images"));
			Path jsonl = dir.resolve(name + ".jsonl");
			try (Writer out = Files.newBufferedWriter(jsonl, StandardCharsets.UTF_8)) {
				for (SynthSample sample : samples) {
					String file = sample.id() + ".png";
					ImageIO.write(sample.image(), "png", images.resolve(file).toFile());
					out.write(JSON.writeValueAsString(line(sample, "images/" + file)));
					out.write('\n');
				}
			}
			return jsonl;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static ObjectNode line(SynthSample sample, String imagePath) {
		ObjectNode line = JSON.createObjectNode();
		line.put("id", sample.id());
		line.put("image", imagePath);
		var conversations = line.putArray("conversations");
		conversations.addObject().put("from", "human").put("value", "<image>" + sample.question());
		conversations.addObject().put("from", "gpt").put("value", sample.solution());
		if (sample.accuRewardMethod() != null) {
			line.put("accu_reward_method", sample.accuRewardMethod());
		}
		line.put("task", sample.task().name().toLowerCase(java.util.Locale.ROOT));
		return line;
	}

}
