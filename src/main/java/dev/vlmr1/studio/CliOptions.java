package dev.vlmr1.studio;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} pairs of one subcommand; unknown names, missing values and bad numbers are usage errors. */
final class CliOptions {

	private final Map<String, List<String>> values = new HashMap<>();

	private CliOptions() {
	}

	/** @throws IllegalArgumentException for an option not in {@code known} or one without a value */
	static CliOptions parse(String[] args, String... known) {
		CliOptions options = new CliOptions();
		List<String> allowed = List.of(known);
		for (int i = 0; i < args.length; i += 2) {
			if (!allowed.contains(args[i]) || i + 1 >= args.length) {
				throw new IllegalArgumentException("usage: options " + allowed + ", each with a value; got " + args[i]);
			}
			options.values.computeIfAbsent(args[i], (k) -> new ArrayList<>()).add(args[i + 1]);
		}
		return options;
	}

	/** The one value of a required option. */
	String required(String name) {
		List<String> given = all(name);
		if (given.size() != 1) {
			throw new IllegalArgumentException("need exactly one " + name);
		}
		return given.get(0);
	}

	/** Every value given for a repeatable option, in order. */
	List<String> all(String name) {
		return values.getOrDefault(name, List.of());
	}

	long longValue(String name, long fallback) {
		List<String> given = all(name);
		if (given.isEmpty()) {
			return fallback;
		}
		try {
			return Long.parseLong(given.get(given.size() - 1));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(name + " needs a whole number, got " + given.get(given.size() - 1));
		}
	}

	int intValue(String name, int fallback, int min) {
		long value = longValue(name, fallback);
		if (value < min || value > Integer.MAX_VALUE) {
			throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
		}
		return (int) value;
	}

}
