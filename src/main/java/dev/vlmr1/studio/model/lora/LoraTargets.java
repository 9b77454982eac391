package dev.vlmr1.studio.model.lora;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which linear layers carry adapters, by released module name: decoder projections by their leaf name
 * ({@code q_proj} … {@code down_proj}) and, optionally, every linear of the vision tower's blocks ({@code attn.qkv},
 * {@code attn.proj}, the MLP's). The patch embedding, the merger, the embeddings and the output head never do.
 *
 * @param decoder leaf names of decoder projections ({@code model.layers.i.self_attn.*}, {@code model.layers.i.mlp.*})
 * @param vision whether the vision blocks' linears carry adapters too
 */
public record LoraTargets(Set<String> decoder, boolean vision) {

	/** Every projection of a decoder layer: the default, as in VLM-R1's LoRA recipes. */
	public static final List<String> DECODER_MODULES = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj",
			"up_proj", "down_proj");

	/** The names {@code lora_target_modules} accepts, each a preset. */
	public static final List<String> PRESETS = List.of("decoder", "decoder_attention", "decoder_and_vision");

	private static final Pattern DECODER = Pattern.compile("model\\.layers\\.\\d+\\.(?:self_attn|mlp)\\.([a-z_]+)");

	private static final Pattern VISION = Pattern.compile("visual\\.blocks\\.\\d+\\.(?:attn|mlp)\\.[a-z_0-9]+");

	public LoraTargets {
		decoder = Set.copyOf(decoder);
		for (String leaf : decoder) {
			if (!DECODER_MODULES.contains(leaf)) {
				throw new IllegalArgumentException("unknown decoder module " + leaf + "; known: " + DECODER_MODULES);
			}
		}
		if (decoder.isEmpty() && !vision) {
			throw new IllegalArgumentException("LoRA needs at least one target module");
		}
	}

	/** The default: every decoder projection, no vision. */
	public static LoraTargets defaults() {
		return new LoraTargets(Set.copyOf(DECODER_MODULES), false);
	}

	/**
	 * A preset by name: {@code decoder} (q, k, v, o, gate, up, down of every decoder layer), {@code decoder_attention}
	 * (q, k, v, o) or {@code decoder_and_vision} (the decoder's seven plus every linear of the vision blocks).
	 */
	public static LoraTargets preset(String name) {
		return switch (name.toLowerCase(Locale.ROOT)) {
			case "decoder" -> defaults();
			case "decoder_attention" -> new LoraTargets(Set.of("q_proj", "k_proj", "v_proj", "o_proj"), false);
			case "decoder_and_vision" -> new LoraTargets(Set.copyOf(DECODER_MODULES), true);
			default -> throw new IllegalArgumentException(
					"unknown LoRA target preset " + name + "; known: " + String.join(", ", PRESETS));
		};
	}

	/** Whether the layer with this released module name carries an adapter. */
	public boolean matches(String module) {
		var decoderMatch = DECODER.matcher(module);
		if (decoderMatch.matches()) {
			return decoder.contains(decoderMatch.group(1));
		}
		return vision && VISION.matcher(module).matches();
	}

	/**
	 * PEFT's {@code target_modules} as a regular expression (PEFT full-matches a string against each module name),
	 * written so that it selects the same layers under both transformers layouts ({@code model.layers.i} and
	 * {@code model.language_model.layers.i}; {@code visual.*} and {@code model.visual.*}). A plain list of leaf
	 * names would not do: PEFT matches {@code gate_proj} in the vision blocks too.
	 */
	public String peftPattern() {
		StringBuilder pattern = new StringBuilder();
		if (!decoder.isEmpty()) {
			pattern.append("(?:.*\\.)?layers\\.\\d+\\.(?:self_attn|mlp)\\.(?:")
				.append(String.join("|", DECODER_MODULES.stream().filter(decoder::contains).toList()))
				.append(")");
		}
		if (vision) {
			if (!pattern.isEmpty()) {
				pattern.append("|");
			}
			pattern.append("(?:.*\\.)?visual\\.blocks\\.\\d+\\.(?:attn|mlp)\\.(?:qkv|proj|gate_proj|up_proj|down_proj|fc1|fc2)");
		}
		return pattern.toString();
	}

}
