package dev.vlmr1.studio.synth;

import java.util.List;
import java.util.Optional;

/**
 * Writes the shortest unambiguous description of one object in a scene: by shape, then colour + shape, then size +
 * colour + shape, and finally a spatial relation to another uniquely named object ("the red circle left of the
 * blue square"). Returns empty when no such description exists, so every sample has exactly one right box.
 */
public final class ReferringExpressions {

	private ReferringExpressions() {
	}

	public static Optional<String> describe(SceneObject target, List<SceneObject> scene, boolean allowRelations) {
		if (count(scene, target.shape(), null, null) == 1) {
			return Optional.of("the " + target.shape().word());
		}
		if (count(scene, target.shape(), target.colour(), null) == 1) {
			return Optional.of("the " + target.label());
		}
		if (count(scene, target.shape(), target.colour(), target.large()) == 1) {
			return Optional.of("the " + size(target) + " " + target.label());
		}
		if (!allowRelations) {
			return Optional.empty();
		}
		for (SceneObject anchor : scene) {
			if (anchor == target || count(scene, anchor.shape(), anchor.colour(), null) != 1) {
				continue;
			}
			String relation = relation(target, anchor);
			long same = scene.stream()
				.filter((o) -> o.shape() == target.shape() && o.colour() == target.colour() && o != anchor)
				.filter((o) -> relation.equals(relation(o, anchor)))
				.count();
			if (same == 1) {
				return Optional.of("the " + target.label() + " " + relation + " the " + anchor.label());
			}
		}
		return Optional.empty();
	}

	/** The dominant direction from the anchor to the target. */
	static String relation(SceneObject target, SceneObject anchor) {
		double dx = target.centreX() - anchor.centreX();
		double dy = target.centreY() - anchor.centreY();
		if (Math.abs(dx) >= Math.abs(dy)) {
			return dx < 0 ? "left of" : "right of";
		}
		return dy < 0 ? "above" : "below";
	}

	private static String size(SceneObject o) {
		return o.large() ? "large" : "small";
	}

	private static long count(List<SceneObject> scene, ShapeKind shape, Colour colour, Boolean large) {
		return scene.stream()
			.filter((o) -> o.shape() == shape)
			.filter((o) -> colour == null || o.colour() == colour)
			.filter((o) -> large == null || o.large() == large)
			.count();
	}

}
