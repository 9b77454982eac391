package dev.vlmr1.studio.model.safetensors;

/** Element types a safetensors file may hold, with their names in the header and sizes in bytes. */
public enum DType {

	F32(4), F16(2), BF16(2), F64(8), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

	private final int bytes;

	DType(int bytes) {
		this.bytes = bytes;
	}

	public int bytes() {
		return bytes;
	}

	/** Parses the header's {@code dtype} string, e.g. {@code "BF16"}. */
	public static DType parse(String name) {
		try {
			return valueOf(name);
		}
		catch (IllegalArgumentException ex) {
			throw new SafetensorsException("unsupported dtype " + name);
		}
	}

}
