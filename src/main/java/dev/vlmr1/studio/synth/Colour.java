package dev.vlmr1.studio.synth;

import java.awt.Color;

/** Named colours far enough apart that a small model can tell them from a few pixels. */
public enum Colour {

	RED(220, 40, 40), GREEN(40, 170, 60), BLUE(40, 80, 220), YELLOW(235, 200, 30), PURPLE(140, 60, 180),
	ORANGE(245, 130, 20);

	private final Color rgb;

	Colour(int r, int g, int b) {
		this.rgb = new Color(r, g, b);
	}

	public Color rgb() {
		return rgb;
	}

	public String word() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
