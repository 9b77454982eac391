package dev.vlmr1.studio.model.text;

import ai.djl.ndarray.NDArray;
import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.model.Parameters;
import dev.vlmr1.studio.model.TextConfig;

/**
 * One pre-norm decoder block: {@code x + attn(norm(x))}, then {@code x + mlp(norm(x))}. Mirrors
 * {@code Qwen2_5_VLDecoderLayer}.
 *
 * <p>Legend: B batch, T new tokens, S all tokens, D head dim, C hidden size.
 */
public final class DecoderLayer {

	private final int index;

	private final RmsNorm inputLayernorm;

	private final TextAttention selfAttn;

	private final RmsNorm postAttentionLayernorm;

	private final Mlp mlp;

	private DecoderLayer(int index, RmsNorm inputLayernorm, TextAttention selfAttn, RmsNorm postAttentionLayernorm,
			Mlp mlp) {
		this.index = index;
		this.inputLayernorm = inputLayernorm;
		this.selfAttn = selfAttn;
		this.postAttentionLayernorm = postAttentionLayernorm;
		this.mlp = mlp;
	}

	/** Loads {@code model.layers.<index>.*}. */
	public static DecoderLayer load(Parameters params, int index, TextConfig config) {
		String prefix = "model.layers." + index + ".";
		int hidden = config.hiddenSize();
		return new DecoderLayer(index,
				new RmsNorm(params.load(prefix + "input_layernorm.weight", hidden), config.rmsNormEps()),
				TextAttention.load(params, prefix + "self_attn.", config),
				new RmsNorm(params.load(prefix + "post_attention_layernorm.weight", hidden), config.rmsNormEps()),
				Mlp.load(params, prefix + "mlp.", hidden, config.intermediateSize()));
	}

	/**
	 * @param x (B, T, C)
	 * @param cos (B, 1, T, D)
	 * @param sin (B, 1, T, D)
	 * @param mask (B, 1, T, S) additive
	 * @return (B, T, C)
	 */
	public NDArray forward(NDArray x, NDArray cos, NDArray sin, NDArray mask, @Nullable KvCache cache) {
		NDArray h = x.add(selfAttn.forward(inputLayernorm.forward(x), cos, sin, mask, cache, index)); // (B, T, C)
		return h.add(mlp.forward(postAttentionLayernorm.forward(h))); // (B, T, C)
	}

}
