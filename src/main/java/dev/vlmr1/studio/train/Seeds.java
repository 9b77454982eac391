package dev.vlmr1.studio.train;

/**
 * Counter-based seeds: every random draw of a run is seeded from (run seed, step, micro-batch), so the RNG state of
 * a checkpoint is just its step and a resumed run samples exactly what an uninterrupted one would.
 */
final class Seeds {

	private Seeds() {
	}

	/** A well-mixed 64-bit seed for one (seed, step, micro-batch) triple (SplitMix64 finaliser). */
	static long of(long seed, long step, long micro) {
		long z = seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + micro * 0x94D049BB133111EBL;
		z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
		z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
		return z ^ (z >>> 31);
	}

}
