package dev.vlmr1.studio.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/** The optional "N samples, seeded" subset of an evaluation: the same seed always picks the same rows. */
public final class SeededSubset {

	private SeededSubset() {
	}

	/**
	 * Indices of n rows out of total, in ascending order; all rows when n ≥ total.
	 * @throws IllegalArgumentException when n or total is negative
	 */
	public static List<Integer> indices(int total, int n, long seed) {
		if (n < 0 || total < 0) {
			throw new IllegalArgumentException("subset size and total must be non-negative: n=" + n + ", total=" + total);
		}
		List<Integer> all = new ArrayList<>(IntStream.range(0, total).boxed().toList());
		if (n >= total) {
			return all;
		}
		Collections.shuffle(all, new Random(seed));
		List<Integer> picked = new ArrayList<>(all.subList(0, n));
		Collections.sort(picked);
		return picked;
	}

}
