package dev.vlmr1.studio.model;

/**
 * Sees every token as {@link Generator} chooses it, before the next step runs: for streaming, stop strings and
 * log-probabilities. To abandon the whole generation (the client went away) it throws; the generator frees
 * everything on the way out.
 */
@FunctionalInterface
public interface TokenListener {

	/**
	 * @param sequence the row of the batch
	 * @param token the chosen token
	 * @param logits the step's logits (after penalties, before temperature); this row is {@code [offset, offset +
	 * vocab)}; read only, valid during the call
	 * @return true to end this sequence after this token (e.g. its text reached a stop string)
	 */
	boolean onToken(int sequence, long token, float[] logits, int offset, int vocab);

}
