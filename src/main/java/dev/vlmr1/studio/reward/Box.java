package dev.vlmr1.studio.reward;

/**
 * An axis-aligned box {@code [x1, y1, x2, y2]} in absolute pixels (Qwen-VL's convention: top-left and
 * bottom-right corners).
 */
public record Box(double x1, double y1, double x2, double y2) {

	public double width() {
		return x2 - x1;
	}

	public double height() {
		return y2 - y1;
	}

	/** {@code (x2 − x1)·(y2 − y1)}, as VLM-R1 and COCO compute it (negative for an inverted box). */
	public double area() {
		return width() * height();
	}

	/** Multiplies x by {@code sx} and y by {@code sy}, e.g. to go from the model's input frame to the original. */
	public Box scale(double sx, double sy) {
		return new Box(x1 * sx, y1 * sy, x2 * sx, y2 * sy);
	}

	/** The four coordinates, in JSON order. */
	public double[] toArray() {
		return new double[] { x1, y1, x2, y2 };
	}

}
