package dev.vlmr1.studio.model.safetensors;

/**
 * float → IEEE half and bfloat16 with round-to-nearest-even, as {@code torch.Tensor.to(float16/bfloat16)} does
 * (Java 17 has no {@code Float.floatToFloat16}).
 */
public final class HalfFloats {

	private HalfFloats() {
	}

	static short toBfloat16(float value) {
		int bits = Float.floatToRawIntBits(value);
		if (Float.isNaN(value)) {
			// keep it a quiet NaN: plain truncation could clear every mantissa bit and give infinity
			return (short) ((bits >>> 16) | 0x0040);
		}
		int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
		return (short) ((bits + roundingBias) >>> 16);
	}

	public static short toHalf(float value) {
		int bits = Float.floatToRawIntBits(value);
		int sign = (bits >>> 16) & 0x8000;
		int exponent = (bits >>> 23) & 0xFF;
		int mantissa = bits & 0x7FFFFF;
		if (exponent == 0xFF) {
			return (short) (sign | 0x7C00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
		}
		int halfExponent = exponent - 127 + 15;
		if (halfExponent >= 0x1F) {
			return (short) (sign | 0x7C00);
		}
		if (halfExponent <= 0) {
			if (halfExponent < -10) {
				return (short) sign;
			}
			// subnormal half: value = m * 2^-24, so m = full * 2^(halfExponent - 14), rounded
			int full = mantissa | 0x800000;
			int shift = 14 - halfExponent;
			return (short) (sign | roundShift(full, shift));
		}
		int half = (halfExponent << 10) | (mantissa >>> 13);
		int rest = mantissa & 0x1FFF;
		// a carry out of the mantissa correctly bumps the exponent (up to infinity)
		if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
			half++;
		}
		return (short) (sign | half);
	}

	private static int roundShift(int value, int shift) {
		int kept = value >>> shift;
		int rest = value & ((1 << shift) - 1);
		int halfway = 1 << (shift - 1);
		if (rest > halfway || (rest == halfway && (kept & 1) == 1)) {
			kept++;
		}
		return kept;
	}

}
