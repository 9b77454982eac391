package dev.vlmr1.studio.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options of a subcommand, with typed getters that name the option when a value is bad. */
public final class CliOptions {

	private final Map<String, String> values = new LinkedHashMap<>();

	public CliOptions(String[] args, Set<String> known) {
		for (int i = 0; i < args.length; i += 2) {
			if (!known.contains(args[i]) || i + 1 >= args.length) {
				throw new IllegalArgumentException(
						"unknown option or missing value: " + args[i] + "; options: " + String.join(" ", known));
			}
			values.put(args[i], args[i + 1]);
		}
	}

	public String string(String name, String fallback) {
		return values.getOrDefault(name, fallback);
	}

	public String required(String name) {
		String value = values.get(name);
		if (value == null) {
			throw new IllegalArgumentException(name + " is required");
		}
		return value;
	}

	public Path path(String name) {
		return Path.of(required(name));
	}

	public Path pathOrNull(String name) {
		return values.containsKey(name) ? Path.of(values.get(name)) : null;
	}

	public double number(String name, double fallback) {
		try {
			return values.containsKey(name) ? Double.parseDouble(values.get(name)) : fallback;
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(name + " must be a number, not " + values.get(name));
		}
	}

	public int integer(String name, int fallback) {
		try {
			return values.containsKey(name) ? Integer.parseInt(values.get(name)) : fallback;
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(name + " must be an integer, not " + values.get(name));
		}
	}

	public boolean flag(String name, boolean fallback) {
		return values.containsKey(name) ? Boolean.parseBoolean(values.get(name)) : fallback;
	}

	public boolean has(String name) {
		return values.containsKey(name);
	}

	public static Set<String> known(String... names) {
		return Set.copyOf(List.of(names));
	}

}
