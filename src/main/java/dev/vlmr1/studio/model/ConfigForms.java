package dev.vlmr1.studio.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Completes a Qwen-VL {@code config.json} so that transformers 4.x and 5.x both read it. The generations name the
 * same settings differently:
 * <ul>
 * <li>transformers 4.49 (VLM-R1's pin) reads only the flat layout of the released checkpoints: every text setting at
 * the root, M-RoPE as {@code rope_scaling: {type: "mrope", mrope_section}} with {@code rope_theta} beside it,
 * {@code torch_dtype}. A nested {@code text_config} would even break it: it stays a plain dict there, and 4.49's
 * {@code GenerationConfig.from_model_config} calls {@code get_text_config().to_dict()} on it.</li>
 * <li>4.50–4.57 read {@code text_config} when present, else build it from the root.</li>
 * <li>5.x reads {@code rope_parameters: {rope_type, rope_theta, mrope_section}} and {@code dtype}, nested or flat,
 * and converts the older keys when the newer ones are absent.</li>
 * </ul>
 * A completed config is flat, carries the rope settings and the dtype in both generations' keys with equal values,
 * and never changes a value the input gives (a nested {@code text_config}'s values win over the root's, as every
 * reader prefers them); a completed config comes back equal.
 */
public final class ConfigForms {

	private ConfigForms() {
	}

	/**
	 * A copy of {@code config} in the flat layout with both generations' keys.
	 * @throws CheckpointException if the config has no M-RoPE sections in either form
	 */
	public static ObjectNode bothForms(JsonNode config) {
		if (config == null || !config.isObject()) {
			throw new CheckpointException("config.json is not a JSON object");
		}
		ObjectNode root = ((ObjectNode) config).deepCopy();
		TextConfig settings = TextConfig.fromJson(root);
		if (root.get("text_config") instanceof ObjectNode text) {
			text.properties().forEach((field) -> {
				if (!field.getKey().equals("model_type")) {
					root.set(field.getKey(), field.getValue().deepCopy());
				}
			});
			root.remove("text_config");
		}
		completeRope(root, settings);
		completeDtype(root);
		return root;
	}

	/**
	 * Writes the rope settings in the v4 form ({@code rope_scaling} + {@code rope_theta}; {@code type} {@code mrope}
	 * as in the released checkpoints, which 4.49 turns into {@code default}) and the v5 form
	 * ({@code rope_parameters}).
	 */
	private static void completeRope(ObjectNode node, TextConfig settings) {
		if (!node.has("rope_theta")) {
			node.put("rope_theta", settings.ropeTheta());
		}
		ObjectNode scaling = object(node, "rope_scaling");
		if (!scaling.has("type")) {
			scaling.put("type", "mrope");
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
