package dev.vlmr1.studio.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import javax.imageio.ImageIO;

import org.jspecify.annotations.Nullable;

/**
 * A few ready-made pictures of coloured shapes for the demo pages' "pick an image", in the style of the synthetic
 * grounding task, so a model can be tried without an image at hand. Drawn with Java2D on request (a few KB each).
 */
final class SampleScenes {

	/**
	 * A sample picture and an expression that fits it.
	 *
	 * @param name the file name under {@code /demo/samples/}
	 * @param expression a referring expression for one of its shapes
	 * @param labels labels for the OVD page
	 */
	record Scene(String name, String expression, String labels) {
	}

	static final List<Scene> SCENES = List.of(new Scene("shapes-1.png", "the red circle", "circle, square"),
			new Scene("shapes-2.png", "the blue square on the right", "square, triangle"),
			new Scene("shapes-3.png", "the small green triangle", "circle, triangle"));

	private SampleScenes() {
	}

	/** The PNG bytes of a scene, or null for an unknown name. */
	static byte @Nullable [] png(String name) {
		int index = SCENES.stream().map(Scene::name).toList().indexOf(name);
		if (index < 0) {
			return null;
		}
		BufferedImage image = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setColor(new Color(245, 245, 240));
		g.fillRect(0, 0, 320, 240);
		g.setStroke(new BasicStroke(2));
		switch (index) {
			case 0 -> {
				shape(g, Color.RED, "circle", 40, 60, 90);
				shape(g, new Color(30, 90, 220), "square", 190, 90, 80);
			}
			case 1 -> {
				shape(g, new Color(30, 90, 220), "square", 200, 70, 90);
				shape(g, new Color(240, 170, 20), "triangle", 40, 100, 100);
			}
			default -> {
				shape(g, new Color(40, 160, 60), "triangle", 60, 150, 50);
				shape(g, Color.RED, "circle", 170, 40, 110);
			}
		}
		g.dispose();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try {
			ImageIO.write(image, "png", out);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

	private static void shape(Graphics2D g, Color color, String kind, int x, int y, int size) {
		g.setColor(color);
		switch (kind) {
			case "circle" -> g.fillOval(x, y, size, size);
			case "square" -> g.fillRect(x, y, size, size);
			default -> g.fillPolygon(new int[] { x, x + size / 2, x + size }, new int[] { y + size, y, y + size }, 3);
		}
	}

}
