package dev.vlmr1.studio.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The seeded order in which prompts are drawn: a fresh permutation per epoch from {@code Random(seed, epoch)}, read
 * front to back, continuing into the next epoch when a step needs more prompts than are left. The position (epoch,
 * index) is all the state there is, so a checkpoint restores the exact order.
 */
final class DataOrder {

	/** Where the next prompt comes from. */
	record Position(int epoch, int index) {
	}

	private final int size;

	private final long seed;

	private int epoch;

	private int index;

	private int[] permutation;

	DataOrder(int size, long seed) {
		if (size < 1) {
			throw new IllegalArgumentException("no training samples");
		}
		this.size = size;
		this.seed = seed;
		this.permutation = permutation(0);
	}

	/** The next {@code count} sample indices, advancing the position. */
	List<Integer> next(int count) {
		List<Integer> out = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			if (index == size) {
				epoch++;
				index = 0;
				permutation = permutation(epoch);
			}
			out.add(permutation[index++]);
		}
		return out;
	}

	/** Fractional epochs consumed (TRL's {@code epoch}). */
	double epochs() {
		return epoch + (double) index / size;
	}

	Position position() {
		return new Position(epoch, index);
	}

	void restore(Position position) {
		if (position.epoch() < 0 || position.index() < 0 || position.index() > size) {
			throw new IllegalArgumentException("data position " + position + " outside a dataset of " + size);
		}
		this.epoch = position.epoch();
		this.index = position.index();
		this.permutation = permutation(epoch);
	}

	private int[] permutation(int e) {
		int[] order = new int[size];
		for (int i = 0; i < size; i++) {
			order[i] = i;
		}
		Random random = new Random(seed * 1_000_003L + e);
		for (int i = size - 1; i > 0; i--) {
			int j = random.nextInt(i + 1);
			int t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
		return order;
	}

}
