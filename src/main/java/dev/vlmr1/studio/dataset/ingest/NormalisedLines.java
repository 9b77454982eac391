package dev.vlmr1.studio.dataset.ingest;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One kind of {@link Normalisation} in an upload: how many stored lines it applied to and the first few of them, so a
 * report stays small for a file where every line lacks an id.
 *
 * @param code the normalisation's slug, e.g. {@code id_absent}
 * @param message what was done, for people
 * @param count lines it applied to
 * @param examples the first {@value #EXAMPLES} of them as {@code file:line}
 */
public record NormalisedLines(String code, String message, int count, List<String> examples) {

	static final int EXAMPLES = 5;

	/** The normalisations of the valid rows, in {@link Normalisation} order; none if every line was as documented. */
	static List<NormalisedLines> of(List<ValidationResult.ValidatedFile> files) {
		Map<Normalisation, int[]> counts = new EnumMap<>(Normalisation.class);
		Map<Normalisation, List<String>> examples = new EnumMap<>(Normalisation.class);
		for (ValidationResult.ValidatedFile file : files) {
			for (ValidationResult.ValidRow valid : file.rows()) {
				for (Normalisation kind : valid.row().normalised()) {
					counts.computeIfAbsent(kind, (k) -> new int[1])[0]++;
					List<String> lines = examples.computeIfAbsent(kind, (k) -> new ArrayList<>());
					if (lines.size() < EXAMPLES) {
						lines.add(file.input().name() + ":" + valid.row().line());
					}
				}
			}
		}
		List<NormalisedLines> out = new ArrayList<>();
		counts.forEach((kind, count) -> out.add(new NormalisedLines(kind.slug(), kind.description(), count[0],
				List.copyOf(examples.get(kind)))));
		return out;
	}

}
