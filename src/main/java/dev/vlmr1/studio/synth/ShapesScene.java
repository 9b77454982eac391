package dev.vlmr1.studio.synth;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiPredicate;

/**
 * A canvas with a few non-overlapping coloured shapes. Sizes are two clearly different classes (small, large), so
 * "the large red circle" is a meaningful expression.
 */
public record ShapesScene(int width, int height, List<SceneObject> objects) {

	/**
	 * Places {@code count} objects at random, drawing shape and colour from {@code allowed} (which lets a split
	 * exclude held-out colour–shape combinations).
	 */
	public static ShapesScene random(Random random, int width, int height, int count,
			BiPredicate<ShapeKind, Colour> allowed) {
		List<SceneObject> objects = new ArrayList<>();
		int attempts = 0;
		while (objects.size() < count && attempts++ < 500) {
			ShapeKind shape = ShapeKind.values()[random.nextInt(ShapeKind.values().length)];
			Colour colour = Colour.values()[random.nextInt(Colour.values().length)];
			if (!allowed.test(shape, colour)) {
				continue;
			}
			boolean large = random.nextBoolean();
			int side = large ? Math.max(20, width * 3 / 10) : Math.max(10, width / 7);
			int x = random.nextInt(width - side);
			int y = random.nextInt(height - side);
			var candidate = new SceneObject(shape, colour, large, x, y, x + side, y + side);
			if (objects.stream().noneMatch((o) -> o.overlaps(candidate, 3))) {
				objects.add(candidate);
			}
		}
		return new ShapesScene(width, height, List.copyOf(objects));
	}

	/**
	 * Renders the scene on a light shaded background, without antialiasing so colours stay pure. The background
	 * darkens in red from left to right and in green from top to bottom, a position cue in every patch: Qwen's vision
	 * tower has no absolute position embedding (its 2D rotary sees only offsets between patches), so on a flat
	 * background nothing in a patch's pixels says where in the image it lies.
	 */
	public BufferedImage render() {
		var image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				image.setRGB(x, y, background(x, y).getRGB());
			}
		}
		Graphics2D g = image.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
		for (SceneObject o : objects) {
			g.setColor(o.colour().rgb());
			int w = o.x2() - o.x1();
			int h = o.y2() - o.y1();
			switch (o.shape()) {
				case CIRCLE -> g.fillOval(o.x1(), o.y1(), w, h);
				case SQUARE -> g.fillRect(o.x1(), o.y1(), w, h);
				case TRIANGLE -> g.fillPolygon(new int[] { o.x1(), o.x1() + w / 2, o.x2() },
						new int[] { o.y2(), o.y1(), o.y2() }, 3);
			}
		}
		g.dispose();
		return image;
	}

	/** The background at a pixel: light everywhere (no shape colour comes close), shaded by position. */
	Color background(int x, int y) {
		return new Color(250 - 60 * x / Math.max(1, width - 1), 250 - 60 * y / Math.max(1, height - 1), 230);
	}

}
