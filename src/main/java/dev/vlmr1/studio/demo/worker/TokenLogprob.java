package dev.vlmr1.studio.demo.worker;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One generated token's log-probability in OpenAI's shape ({@code logprobs.content[]}): the token's text, its UTF-8
 * bytes, and the most likely alternatives at that position.
 *
 * @param token the token decoded alone
 * @param logprob its log-probability (log-softmax of the logits after penalties, at temperature 1)
 * @param bytes the UTF-8 bytes of {@code token}
 * @param topLogprobs the {@code top_logprobs} most likely tokens at this position, most likely first
 */
public record TokenLogprob(String token, double logprob, List<Integer> bytes,
		@JsonProperty("top_logprobs") List<Alternative> topLogprobs) {

	/** A likely token at a position. */
	public record Alternative(String token, double logprob, List<Integer> bytes) {
	}

}
