package dev.vlmr1.studio.synth;

/**
 * One shape in a scene, with its bounding box in pixels ({@code x2}, {@code y2} exclusive, as VLM-R1's boxes).
 */
public record SceneObject(ShapeKind shape, Colour colour, boolean large, int x1, int y1, int x2, int y2) {

	public String label() {
		return colour.word() + " " + shape.word();
	}

	public double centreX() {
		return (x1 + x2) / 2.0;
	}

	public double centreY() {
		return (y1 + y2) / 2.0;
	}

	public int[] box() {
		return new int[] { x1, y1, x2, y2 };
	}

	boolean overlaps(SceneObject other, int margin) {
		return x1 - margin < other.x2 && other.x1 - margin < x2 && y1 - margin < other.y2 && other.y1 - margin < y2;
	}

}
