package dev.vlmr1.studio.dataset.ingest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.jspecify.annotations.Nullable;

/**
 * Checks one image file: magic bytes (T3.8: HTML named {@code x.jpg} is not an image), dimensions read from
 * the header by an {@link ImageReader} before anything is decoded (T3.5 pixel floods), minimum side, then a
 * full decode (subsampled to about a megapixel, so a legal 170-megapixel image costs no more heap than a
 * small one) to catch corrupt files. WebP is read the same way, by the TwelveMonkeys ImageIO plugin that training
 * reads it with too: a WebP header followed by anything but image data is corrupt, not an image.
 */
final class ImageProbe {

	/** A probed image, or the reason it was refused. */
	record Result(@Nullable ProbedImage image, @Nullable IssueCode code, String message) {

		static Result refused(IssueCode code, String message) {
			return new Result(null, code, message);
		}

	}

	private static final long DECODE_PIXEL_BUDGET = 1_000_000;

	private ImageProbe() {
	}

	static Result probe(Path file, IngestLimits limits) {
		try {
			long size = Files.size(file);
			if (size > limits.maxImageBytes()) {
				return Result.refused(IssueCode.IMAGE_TOO_LARGE, "image file larger than " + limits.maxImageBytes() + " bytes");
			}
			byte[] bytes = Files.readAllBytes(file);
			String format = format(bytes);
			if (format == null) {
				return Result.refused(IssueCode.NOT_AN_IMAGE, "not a PNG, JPEG, GIF, BMP or WebP file (magic bytes)");
			}
			return probeImageIo(bytes, format, file, limits);
		}
		catch (IOException | RuntimeException ex) {
			return Result.refused(IssueCode.IMAGE_CORRUPT, "cannot read image: " + ex.getMessage());
		}
	}

	private static Result probeImageIo(byte[] bytes, String format, Path file, IngestLimits limits) throws IOException {
		Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
		if (!readers.hasNext()) {
			return Result.refused(IssueCode.NOT_AN_IMAGE, "no reader for " + format);
		}
		ImageReader reader = readers.next();
		try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
			reader.setInput(in, true, true);
			int width = reader.getWidth(0);
			int height = reader.getHeight(0);
			Result refused = checkSize(width, height, limits);
			if (refused != null) {
				return refused;
			}
			ImageReadParam param = reader.getDefaultReadParam();
			long pixels = (long) width * height;
			if (pixels > DECODE_PIXEL_BUDGET) {
				int period = (int) Math.ceil(Math.sqrt((double) pixels / DECODE_PIXEL_BUDGET));
				param.setSourceSubsampling(period, period, 0, 0);
			}
			reader.read(0, param);
			return accepted(bytes, width, height, format, file);
		}
		catch (IOException | RuntimeException ex) {
			return Result.refused(IssueCode.IMAGE_CORRUPT, "corrupt " + format + ": " + ex.getMessage());
		}
		finally {
			reader.dispose();
		}
	}

	private static @Nullable Result checkSize(int width, int height, IngestLimits limits) {
		if ((long) width * height > limits.maxPixels()) {
			return Result.refused(IssueCode.TOO_MANY_PIXELS, width + "x" + height + " is more than "
					+ limits.maxPixels() + " pixels (read from the header, not decoded)");
		}
		if (Math.min(width, height) < limits.minSide()) {
			return Result.refused(IssueCode.IMAGE_TOO_SMALL,
					width + "x" + height + " is smaller than " + limits.minSide() + " px on a side");
		}
		return null;
	}

	private static Result accepted(byte[] bytes, int width, int height, String format, Path file) {
		return new Result(new ProbedImage(sha256(bytes), width, height, format, bytes.length, file), null, "");
	}

	static @Nullable String format(byte[] b) {
		if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G' && b[4] == 0x0D
				&& b[5] == 0x0A && b[6] == 0x1A && b[7] == 0x0A) {
			return "png";
		}
		if (b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF) {
			return "jpeg";
		}
		if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8' && (b[4] == '7' || b[4] == '9')
				&& b[5] == 'a') {
			return "gif";
		}
		if (b.length >= 26 && b[0] == 'B' && b[1] == 'M') {
			return "bmp";
		}
		if (b.length >= 16 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E'
				&& b[10] == 'B' && b[11] == 'P') {
			return "webp";
		}
		return null;
	}

	static String sha256(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
