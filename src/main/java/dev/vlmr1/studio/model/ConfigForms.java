package dev.vlmr1.studio.model;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Completes a Qwen-VL {@code config.json} so that transformers 4.x and 5.x both read it. The two generations name the
 * same settings differently:
 * <ul>
 * <li>transformers ≤ 4.49 (VLM-R1's pin) reads only the flat layout: every text setting at the root, M-RoPE as
 * {@code rope_scaling: {type: "mrope", mrope_section}} and {@code rope_theta} beside it, {@code torch_dtype}.</li>
 * <li>4.50–4.57 read {@code text_config} when present (else the root), with {@code rope_scaling} and
 * {@code rope_theta} inside it.</li>
 * <li>5.x reads {@code text_config.rope_parameters: {rope_type, rope_theta, mrope_section}} and {@code dtype}, and
 * converts the older keys when the newer ones are absent.</li>
 * </ul>
 * A completed config carries each setting in every form, with equal values; it never changes a value the input
 * gives, so a config already in both forms comes back equal.
 */
public final class ConfigForms {

	/** Text settings that transformers 4.49 reads from the root of a Qwen2.5-VL config. */
	static final List<String> FLAT_TEXT_FIELDS = List.of("vocab_size", "hidden_size", "intermediate_size",
			"num_hidden_layers", "num_attention_heads", "num_key_value_heads", "hidden_act", "rms_norm_eps",
			"max_position_embeddings", "use_sliding_window", "sliding_window", "max_window_layers", "attention_dropout",
			"initializer_range", "use_cache", "bos_token_id", "eos_token_id");

	private ConfigForms() {
	}

	/**
	 * A copy of {@code config} in both forms.
	 * @throws CheckpointException if the config has no M-RoPE sections in either form
	 */
	public static ObjectNode bothForms(JsonNode config) {
		if (config == null || !config.isObject()) {
			throw new CheckpointException("config.json is not a JSON object");
		}
		ObjectNode root = ((ObjectNode) config).deepCopy();
		ObjectNode text = root.path("text_config") instanceof ObjectNode nested ? nested : null;
		if (text != null) {
			for (String field : FLAT_TEXT_FIELDS) {
				if (!root.has(field) && text.has(field)) {
					root.set(field, text.get(field).deepCopy());
				}
			}
		}
		TextConfig settings = TextConfig.fromJson(root);
		completeRope(root, settings, true);
		if (text != null) {
			completeRope(text, settings, false);
		}
		completeDtype(root);
		return root;
	}

	/**
	 * Writes the rope settings of {@code node} in the v4 form ({@code rope_scaling} + {@code rope_theta}) and the v5
	 * form ({@code rope_parameters}). At the root, {@code rope_scaling.type} is {@code mrope} as in the released
	 * checkpoints (4.49 turns it into {@code default}); inside {@code text_config} it is what 4.57 writes.
	 */
	private static void completeRope(ObjectNode node, TextConfig settings, boolean root) {
		if (!node.has("rope_theta")) {
			node.put("rope_theta", settings.ropeTheta());
		}
		ObjectNode scaling = object(node, "rope_scaling");
		if (!scaling.has("type")) {
			scaling.put("type", root ? "mrope" : "default");
		}
		if (!scaling.has("rope_type")) {
			scaling.put("rope_type", "default");
		}
		if (!scaling.has("mrope_section")) {
			putSection(scaling, settings.mropeSection());
		}
		ObjectNode parameters = object(node, "rope_parameters");
		if (!parameters.has("rope_type")) {
			parameters.put("rope_type", "default");
		}
		if (!parameters.has("rope_theta")) {
			parameters.put("rope_theta", settings.ropeTheta());
		}
		if (!parameters.has("mrope_section")) {
			putSection(parameters, settings.mropeSection());
		}
	}

	/** The object under {@code field}, a new empty one if there is none (or something else is there). */
	private static ObjectNode object(ObjectNode node, String field) {
		return node.get(field) instanceof ObjectNode existing ? existing : node.putObject(field);
	}

	private static void putSection(ObjectNode node, int[] section) {
		var array = node.putArray("mrope_section");
		for (int s : section) {
			array.add(s);
		}
	}

	/** {@code torch_dtype} (4.x) and {@code dtype} (5.x) name the weights' type; each takes the other's value. */
	private static void completeDtype(ObjectNode root) {
		if (root.has("dtype") && !root.has("torch_dtype")) {
			root.set("torch_dtype", root.get("dtype").deepCopy());
		}
		else if (root.has("torch_dtype") && !root.has("dtype")) {
			root.set("dtype", root.get("torch_dtype").deepCopy());
		}
	}

}
