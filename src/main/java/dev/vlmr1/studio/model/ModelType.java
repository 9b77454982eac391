package dev.vlmr1.studio.model;

/** The two supported architectures, by their {@code model_type} in {@code config.json}. */
public enum ModelType {

	/** Qwen2-VL: LayerNorm + QuickGELU vision blocks, full attention everywhere. */
	QWEN2_VL("qwen2_vl"),

	/** Qwen2.5-VL: RMSNorm + SwiGLU vision blocks, window attention with a few full-attention blocks. */
	QWEN2_5_VL("qwen2_5_vl");

	private final String configName;

	ModelType(String configName) {
		this.configName = configName;
	}

	public String configName() {
		return configName;
	}

	public static ModelType fromConfigName(String name) {
		for (ModelType type : values()) {
			if (type.configName.equals(name)) {
				return type;
			}
		}
		throw new CheckpointException("unknown model_type '" + name + "': expected qwen2_vl or qwen2_5_vl");
	}

}
