package dev.vlmr1.studio.model.text;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * The 3D (temporal, height, width) M-RoPE position of every token. Mirrors {@code Qwen2_5_VLModel.get_rope_index}
 * of transformers 5: per row and over attended tokens only, text runs count up on all three axes; an image whose
 * merged grid is (t, h, w) gets (start, start + row, start + col) where start is the position after the text before
 * it; text after an image continues at the image's largest position + 1. Padded slots hold 0.
 *
 * <p>{@code ropeDelta} of a row is its largest position + 1 minus its attended length, so the position of the
 * k-th attended token after the prompt is {@code k + delta}: exactly what the decode loop needs.
 *
 * @param positions (3, B, T) position ids
 * @param deltas (B) rope deltas
 */
public record RopeIndex(long[][][] positions, long[] deltas) {

	/** The token ids that mark images, and the vision tower's spatial merge factor. */
	public record Tokens(long imageTokenId, int spatialMergeSize, boolean temporalPositions) {
	}

	/**
	 * Computes the index for a batch.
	 * @param inputIds (B, T) token ids, image pads already expanded
	 * @param attentionMask (B, T) 1 for real tokens, 0 for padding; null when nothing is padded
	 * @param imageGridThw (images, 3) patch grids in the order the images appear, row by row; null for text only
	 * @throws IllegalArgumentException when the image pads do not match the grids
	 */
	public static RopeIndex compute(long[][] inputIds, long @Nullable [][] attentionMask, long @Nullable [][] imageGridThw,
			Tokens tokens) {
		int batch = inputIds.length;
		int length = batch == 0 ? 0 : inputIds[0].length;
		long[][][] positions = new long[3][batch][length];
		long[] deltas = new long[batch];
		long[][] grids = imageGridThw == null ? new long[0][] : imageGridThw;
		int image = 0;
		for (int b = 0; b < batch; b++) {
			if (inputIds[b].length != length || (attentionMask != null && attentionMask[b].length != length)) {
				throw new IllegalArgumentException("input_ids and attention_mask rows must all have length " + length);
			}
			long next = 0;
			int attended = 0;
			int t = 0;
			while (t < length) {
				if (attentionMask != null && attentionMask[b][t] == 0) {
					t++;
					continue;
				}
				if (inputIds[b][t] != tokens.imageTokenId()) {
					set(positions, b, t, next, next, next);
					next++;
					attended++;
					t++;
					continue;
				}
				if (image >= grids.length) {
					throw new IllegalArgumentException("row " + b + " has more images than image_grid_thw rows ("
							+ grids.length + ")");
				}
				long[] grid = grids[image++];
				int merge = tokens.spatialMergeSize();
				int gt = (int) grid[0];
				int gh = (int) (grid[1] / merge);
				int gw = (int) (grid[2] / merge);
				int count = gt * gh * gw;
				for (int k = 0; k < count; k++, t++) {
					if (t >= length || inputIds[b][t] != tokens.imageTokenId()
							|| (attentionMask != null && attentionMask[b][t] == 0)) {
						throw new IllegalArgumentException("image " + (image - 1) + " with grid " + Arrays.toString(grid)
								+ " needs " + count + " consecutive <|image_pad|> tokens, row " + b + " has " + k);
					}
					long temporal = tokens.temporalPositions() ? k / (gh * gw) : 0;
					set(positions, b, t, next + temporal, next + (k / gw) % gh, next + k % gw);
				}
				attended += count;
				long span = Math.max(tokens.temporalPositions() ? gt - 1 : 0, Math.max(gh - 1, gw - 1)) + 1;
				next += span;
			}
			// next is the largest position + 1
			deltas[b] = next - attended;
		}
		if (image != grids.length) {
			throw new IllegalArgumentException("image_grid_thw has " + grids.length + " images but the prompts have "
					+ image + " runs of <|image_pad|>");
		}
		return new RopeIndex(positions, deltas);
	}

	/**
	 * Positions of tokens after the prompt (decoding with a cache): the k-th attended token of a row, counting from
	 * 0 over prompt and new tokens, sits at k + delta on all three axes; padding slots get 0.
	 * @param mask (B, past + T) attention mask over cached and new tokens; null when nothing is padded
	 * @return (3, B, T) flattened
	 */
	public static long[] decodePositions(long @Nullable [][] mask, int batch, int tokens, long past, long[] deltas) {
		long[] positions = new long[3 * batch * tokens];
		for (int b = 0; b < batch; b++) {
			long attended = 0;
			for (int s = 0; s < past + tokens; s++) {
				boolean real = mask == null || mask[b][s] != 0;
				attended += real ? 1 : 0;
				if (s >= past) {
					long position = real ? attended - 1 + deltas[b] : 0;
					for (int axis = 0; axis < 3; axis++) {
						positions[(axis * batch + b) * tokens + (int) (s - past)] = position;
					}
				}
			}
		}
		return positions;
	}

	private static void set(long[][][] positions, int b, int t, long temporal, long height, long width) {
		positions[0][b][t] = temporal;
		positions[1][b][t] = height;
		positions[2][b][t] = width;
	}

	/** The positions flattened in (3, B, T) order, for an NDArray. */
	public long[] flat() {
		int batch = positions[0].length;
		int length = batch == 0 ? 0 : positions[0][0].length;
		long[] flat = new long[3 * batch * length];
		int i = 0;
		for (long[][] axis : positions) {
			for (long[] row : axis) {
				System.arraycopy(row, 0, flat, i, length);
				i += length;
			}
		}
		return flat;
	}

}
