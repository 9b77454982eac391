package dev.vlmr1.studio.run;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A box of a rollout sample, in the original image's pixels: one the completion predicted (parsed from its
 * answer) or one of the sample's ground truth. Serialised as {@code {"box": [x1, y1, x2, y2], "label": …}}, the
 * shape the page's {@code boxes.ts} draws.
 *
 * @param box {@code [x1, y1, x2, y2]}
 * @param label the object's label (OVD), or null
 */
public record RolloutBox(List<Double> box, @Nullable String label) {

	public RolloutBox {
		box = List.copyOf(box);
	}

	public static RolloutBox of(double x1, double y1, double x2, double y2) {
		return new RolloutBox(List.of(x1, y1, x2, y2), null);
	}

	/** Why the box cannot be stored, or null when it can. */
	@Nullable String problem() {
		if (box.size() != 4) {
			return "a box is [x1, y1, x2, y2], got " + box.size() + " numbers";
		}
		for (Double v : box) {
			if (v == null || !Double.isFinite(v)) {
				return "box coordinates must be finite numbers";
			}
		}
		if (label != null && label.length() > 200) {
			return "a box label has at most 200 characters";
		}
		return null;
	}

}
