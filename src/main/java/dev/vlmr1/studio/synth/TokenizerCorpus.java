package dev.vlmr1.studio.synth;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The text a tokenizer for the synthetic task is trained on: each sample rendered the way training will show it to
 * the model — the Qwen chat template (system turn, user turn with the vision block, the question and VLM-R1's
 * {@code <think>}/{@code <answer>} instruction, assistant turn) with a short thinking text and the answer. Frequent
 * strings of prompts and completions thus become single tokens.
 */
public final class TokenizerCorpus {

	static final String SYSTEM_PROMPT = "You are a helpful assistant.";

	/** VLM-R1's default question suffix (GRPO.md). */
	static final String THINK_INSTRUCTION = " First output the thinking process in <think> </think> tags and then "
			+ "output the final answer in <answer> </answer> tags.";

	/** VLM-R1's REC suffix, after the default one. */
	static final String JSON_INSTRUCTION = " Output the final answer in JSON format.";

	private static final String VISION_BLOCK = QwenSpecialTokens.VISION_START + QwenSpecialTokens.IMAGE_PAD
			+ QwenSpecialTokens.VISION_END;

	private static final ObjectMapper JSON = new ObjectMapper();

	private TokenizerCorpus() {
	}

	/** One rendered conversation per sample; REC answers appear both as a plain box and as a JSON object. */
	public static List<String> fromSamples(List<SynthSample> samples) {
		List<String> texts = new ArrayList<>();
		for (SynthSample sample : samples) {
			String question = VISION_BLOCK + sample.question();
			switch (sample.task()) {
				case REC -> {
					String asked = sample.question();
					String expression = asked.substring(asked.indexOf(": ") + 2, asked.length() - 1);
					String thinking = "The question asks for " + expression
							+ ". I find it in the image and read its box.";
					String label = expression.startsWith("the ") ? expression.substring(4) : expression;
					texts.add(chat(question + THINK_INSTRUCTION + JSON_INSTRUCTION, thinking, sample.solution()));
					texts.add(chat(question + THINK_INSTRUCTION + JSON_INSTRUCTION, thinking,
							"{\"bbox_2d\": " + sample.solution() + ", \"label\": \"" + label + "\"}"));
				}
				case OVD -> texts.add(chat(question + THINK_INSTRUCTION,
						"I check the image for each of the listed objects and keep the ones I see.",
						sample.solution()));
				case COUNTING -> texts.add(chat(question + THINK_INSTRUCTION,
						"I look at every shape in the image and count the ones asked for.", sample.solution()));
			}
		}
		return texts;
	}

	/**
	 * One rendered conversation per row of a VLM-R1 jsonl file (human and gpt turns; {@code <image>} markers become
	 * the vision block).
	 * @throws IllegalArgumentException for a line that is not a JSON object with two conversation turns
	 */
	public static List<String> fromJsonl(Path jsonl) {
		List<String> texts = new ArrayList<>();
		try (BufferedReader reader = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
			String line;
			int number = 0;
			while ((line = reader.readLine()) != null) {
				number++;
				if (line.isBlank()) {
					continue;
				}
				JsonNode turns = parse(jsonl, number, line).path("conversations");
				if (!turns.isArray() || turns.size() < 2) {
					throw new IllegalArgumentException(jsonl + ":" + number + ": needs two conversation turns");
				}
				String question = turns.get(0).path("value").asText().replace("<image>", VISION_BLOCK);
				String answer = turns.get(1).path("value").asText();
				texts.add(chat(question + THINK_INSTRUCTION, "", answer));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(jsonl + ": cannot read: " + ex.getMessage(), ex);
		}
		return texts;
	}

	private static JsonNode parse(Path jsonl, int number, String line) {
		try {
			JsonNode node = JSON.readTree(line);
			if (node != null && node.isObject()) {
				return node;
			}
		}
		catch (IOException ex) {
			// reported below with the line number
		}
		throw new IllegalArgumentException(jsonl + ":" + number + ": not a JSON object");
	}

	/**
	 * The Qwen chat rendering of one exchange (the user text as given, vision block included), ending the assistant
	 * turn with {@code <|im_end|>}.
	 */
	static String chat(String user, String thinking, String answer) {
		return QwenSpecialTokens.IM_START + "system\n" + SYSTEM_PROMPT + QwenSpecialTokens.IM_END + "\n"
				+ QwenSpecialTokens.IM_START + "user\n" + user + QwenSpecialTokens.IM_END + "\n"
				+ QwenSpecialTokens.IM_START + "assistant\n" + "<think>" + thinking + "</think>\n<answer>" + answer
				+ "</answer>" + QwenSpecialTokens.IM_END;
	}

}
