package dev.vlmr1.studio.synth;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;

/**
 * Seeded generator of synthetic grounding samples with in-domain and out-of-domain splits.
 *
 * <p>Out of domain means <em>held-out colour–shape combinations</em>: in-domain scenes never contain a purple
 * triangle, an orange circle or a yellow square, while every out-of-domain REC target is one of them. A model that
 * learnt "colour" and "shape" separately generalises; one that memorised combinations does not — the situation in
 * which VLM-R1 found RL ahead of SFT.
 */
public final class SyntheticDataset {

	/** Colour–shape pairs that never appear in the in-domain split. */
	public static final Set<String> HELD_OUT = Set.of("purple triangle", "orange circle", "yellow square");

	static final String REC_QUESTION = "Please provide the bounding box coordinate of the region this sentence describes: %s.";

	static final String OVD_QUESTION = "Please carefully check the image and detect the following objects: [%s]. "
			+ "Output the bbox coordinates of detected objects in JSON format in <answer></answer>. "
			+ "The bbox coordinate format should be: ```json [{\"bbox_2d\": [x1, y1, x2, y2], \"label\": \"object name\"}] ```. "
			+ "If no targets are detected in the image, simply respond with \"None\".";

	/** Which split to draw. */
	public enum Split {

		IN_DOMAIN, OUT_OF_DOMAIN

	}

	private final Random random;

	private final int width;

	private final int height;

	public SyntheticDataset(long seed, int width, int height) {
		this.random = new Random(seed);
		this.width = width;
		this.height = height;
	}

	/** {@code count} samples of one task from one split; ids are {@code <prefix>-<n>}. */
	public List<SynthSample> generate(SynthTask task, Split split, int count, String prefix) {
		List<SynthSample> samples = new ArrayList<>();
		int attempts = 0;
		while (samples.size() < count && attempts++ < count * 50) {
			String id = prefix + "-" + samples.size();
			var sample = switch (task) {
				case REC -> rec(split, id);
				case OVD -> ovd(split, id);
				case COUNTING -> counting(split, id);
			};
			if (sample != null) {
				samples.add(sample);
			}
		}
		return samples;
	}

	private SynthSample rec(Split split, String id) {
		ShapesScene scene = scene(split == Split.IN_DOMAIN ? SyntheticDataset::inDomain : (s, c) -> true);
		List<SceneObject> targets = scene.objects()
			.stream()
			.filter((o) -> (split == Split.OUT_OF_DOMAIN) == HELD_OUT.contains(o.label()))
			.toList();
		for (SceneObject target : targets) {
			var expression = ReferringExpressions.describe(target, scene.objects(), true);
			if (expression.isPresent()) {
				return new SynthSample(id, SynthTask.REC, scene.render(), REC_QUESTION.formatted(expression.get()),
						boxText(target.box()), null);
			}
		}
		return null;
	}

	private SynthSample ovd(Split split, String id) {
		ShapesScene scene = scene(split == Split.IN_DOMAIN ? SyntheticDataset::inDomain : (s, c) -> true);
		List<String> present = scene.objects().stream().map(SceneObject::label).distinct().toList();
		List<String> asked = new ArrayList<>();
		if (random.nextInt(5) > 0) {
			asked.add(present.get(random.nextInt(present.size())));
		}
		// hard negatives: same shape in another colour, absent from the scene
		while (asked.size() < 2 || (asked.size() < 3 && random.nextBoolean())) {
			var label = Colour.values()[random.nextInt(Colour.values().length)].word() + " "
					+ ShapeKind.values()[random.nextInt(ShapeKind.values().length)].word();
			boolean allowed = split == Split.OUT_OF_DOMAIN || !HELD_OUT.contains(label);
			if (!asked.contains(label) && !present.contains(label) && allowed) {
				asked.add(label);
			}
		}
		asked.sort(Comparator.naturalOrder());
		List<SceneObject> found = scene.objects().stream().filter((o) -> asked.contains(o.label())).toList();
		String solution = found.isEmpty() ? "None"
				: found.stream()
					.map((o) -> "{\"bbox_2d\": " + boxText(o.box()) + ", \"label\": \"" + o.label() + "\"}")
					.collect(Collectors.joining(", ", "[", "]"));
		return new SynthSample(id, SynthTask.OVD, scene.render(), OVD_QUESTION.formatted(String.join(", ", asked)),
				solution, null);
	}

	private SynthSample counting(Split split, String id) {
		ShapesScene scene = scene(split == Split.IN_DOMAIN ? SyntheticDataset::inDomain : (s, c) -> true);
		boolean byColour = random.nextBoolean();
		Colour colour = Colour.values()[random.nextInt(Colour.values().length)];
		ShapeKind shape = ShapeKind.values()[random.nextInt(ShapeKind.values().length)];
		long n = scene.objects()
			.stream()
			.filter((o) -> byColour ? o.colour() == colour : o.shape() == shape)
			.count();
		String what = byColour ? colour.word() + " shapes" : shape.word() + "s";
		return new SynthSample(id, SynthTask.COUNTING, scene.render(),
				"How many " + what + " are there in the image?", Long.toString(n), "numeric");
	}

	private ShapesScene scene(BiPredicate<ShapeKind, Colour> allowed) {
		return ShapesScene.random(random, width, height, 1 + random.nextInt(4), allowed);
	}

	static boolean inDomain(ShapeKind shape, Colour colour) {
		return !HELD_OUT.contains(colour.word() + " " + shape.word());
	}

	static String boxText(int[] box) {
		return String.format(Locale.ROOT, "[%d, %d, %d, %d]", box[0], box[1], box[2], box[3]);
	}

}
