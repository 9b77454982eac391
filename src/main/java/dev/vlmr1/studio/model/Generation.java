package dev.vlmr1.studio.model;

import java.util.List;

/**
 * The result of {@link Generator#generate}: per sequence, the new tokens (up to and including the EOS that stopped
 * it, no padding), the log-probability of each under the distribution it was drawn from (log-softmax of
 * logits / temperature, before top-k/top-p; plain log-softmax for greedy), and the decoded texts when a detokenizer
 * was given (else empty).
 */
public record Generation(List<long[]> tokenIds, List<float[]> logProbs, List<String> texts) {
}
