package dev.vlmr1.studio.plan;

import java.util.Locale;

/** Byte counts as people read them: binary units, two significant figures below ten. */
public final class ByteSize {

	public static final long KIB = 1024;

	public static final long MIB = 1024 * KIB;

	public static final long GIB = 1024 * MIB;

	private ByteSize() {
	}

	/** {@code 61 GiB}, {@code 1.5 GiB}, {@code 850 MiB}, {@code 12 KiB}. */
	public static String format(long bytes) {
		if (bytes >= GIB) {
			return scaled(bytes, GIB, "GiB");
		}
		if (bytes >= MIB) {
			return scaled(bytes, MIB, "MiB");
		}
		if (bytes >= KIB) {
			return scaled(bytes, KIB, "KiB");
		}
		return bytes + " B";
	}

	private static String scaled(long bytes, long unit, String name) {
		double value = (double) bytes / unit;
		return (value < 10 ? String.format(Locale.ROOT, "%.1f", value) : String.format(Locale.ROOT, "%.0f", value)) + " "
				+ name;
	}

	/**
	 * Parses a JVM-style size: {@code 512m}, {@code 20g}, {@code 1024k}, or bytes.
	 * @throws IllegalArgumentException for anything else
	 */
	public static long parse(String text) {
		String s = text.strip().toLowerCase(Locale.ROOT);
		if (s.endsWith("b") && s.length() > 1 && !Character.isDigit(s.charAt(s.length() - 2))) {
			s = s.substring(0, s.length() - 1); // "20gb" → "20g"
		}
		long unit = 1;
		if (!s.isEmpty() && "kmgt".indexOf(s.charAt(s.length() - 1)) >= 0) {
			unit = switch (s.charAt(s.length() - 1)) {
				case 'k' -> KIB;
				case 'm' -> MIB;
				case 'g' -> GIB;
				default -> 1024 * GIB;
			};
			s = s.substring(0, s.length() - 1);
		}
		try {
			long value = Long.parseLong(s.strip());
			if (value <= 0) {
				throw new IllegalArgumentException("size must be positive: " + text);
			}
			return Math.multiplyExact(value, unit);
		}
		catch (NumberFormatException | ArithmeticException ex) {
			throw new IllegalArgumentException("not a size (e.g. 512m, 20g): " + text);
		}
	}

}
