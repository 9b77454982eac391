package dev.vlmr1.studio.reward;

/** Intersection over union of two boxes, in the two variants REWARDS.md names. */
public final class Iou {

	private Iou() {
	}

	/** Plain IoU with continuous coordinates (COCO's); 0 when the union is empty. */
	public static double standard(Box a, Box b) {
		double iw = Math.min(a.x2(), b.x2()) - Math.max(a.x1(), b.x1());
		double ih = Math.min(a.y2(), b.y2()) - Math.max(a.y1(), b.y1());
		double inter = (iw > 0 && ih > 0) ? iw * ih : 0;
		double union = a.area() + b.area() - inter;
		return (union > 0) ? inter / union : 0;
	}

	/**
	 * VLM-R1's IoU, kept for parity: the intersection counts inclusive pixels ({@code min(a2 − 1, b2 − 1) − max(a1,
	 * b1) + 1}) but only when {@code max(a1, b1) < min(a2 − 1, b2 − 1)}, and the areas stay exclusive ({@code (x2 −
	 * x1)·(y2 − y1)}). The −1 and +1 cancel, so the result equals {@link #standard} except that an overlap of at
	 * most one pixel in x or y counts as none. 0 when the union is not positive (VLM-R1 divided by zero there and its
	 * try/except scored 0).
	 */
	public static double vlmr1(Box a, Box b) {
		double inter = vlmr1Intersection(a, b);
		double union = a.area() + b.area() - inter;
		return (union > 0) ? inter / union : 0;
	}

	/** VLM-R1's intersection: inclusive pixels, and none unless both axes overlap by more than one pixel. */
	static double vlmr1Intersection(Box a, Box b) {
		double ix1 = Math.max(a.x1(), b.x1());
		double iy1 = Math.max(a.y1(), b.y1());
		double ix2 = Math.min(a.x2() - 1, b.x2() - 1);
		double iy2 = Math.min(a.y2() - 1, b.y2() - 1);
		return (ix1 < ix2 && iy1 < iy2) ? (ix2 - ix1 + 1) * (iy2 - iy1 + 1) : 0;
	}

}
