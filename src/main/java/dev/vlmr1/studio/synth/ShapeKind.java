package dev.vlmr1.studio.synth;

/** The shapes a scene is made of. */
public enum ShapeKind {

	CIRCLE, SQUARE, TRIANGLE;

	public String word() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
