package dev.vlmr1.studio.dataset.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebP uploads are decoded, not just recognised by their header (issue 11 class 7: a WebP header followed by HTML
 * was stored as a 640 × 480 image).
 */
class ImageProbeWebpTests {

	private static final Path IMAGES = Path.of("src/test/resources/fixtures/images");

	@TempDir
	Path tmp;

	@Test
	void realLosslessAndLossyWebpFilesAreAcceptedWithTheirSize() {
		for (String name : new String[] { "gradient-64x48-lossless.webp", "smooth-64x48-lossy.webp" }) {
			ImageProbe.Result result = ImageProbe.probe(IMAGES.resolve(name), IngestLimits.defaults());
			assertThat(result.code()).as(name + ": " + result.message()).isNull();
			assertThat(result.image().width()).isEqualTo(64);
			assertThat(result.image().height()).isEqualTo(48);
			assertThat(result.image().format()).isEqualTo("webp");
		}
	}

	@Test
	void aWebpHeaderFollowedByHtmlIsNotAnImage() throws IOException {
		Path fake = tmp.resolve("x.webp");
		Files.write(fake, webpHeaderThen("<html><body><script>alert(1)</script></body></html>".repeat(20)));
		ImageProbe.Result result = ImageProbe.probe(fake, IngestLimits.defaults());
		assertThat(result.image()).isNull();
		assertThat(result.code()).isEqualTo(IssueCode.IMAGE_CORRUPT);
	}

	@Test
	void aRealWebpCutShortIsCorrupt() throws IOException {
		byte[] real = Files.readAllBytes(IMAGES.resolve("smooth-64x48-lossy.webp"));
		Path cut = tmp.resolve("cut.webp");
		Files.write(cut, java.util.Arrays.copyOf(real, real.length / 2));
		assertThat(ImageProbe.probe(cut, IngestLimits.defaults()).code()).isEqualTo(IssueCode.IMAGE_CORRUPT);
	}

	@Test
	void aPixelFloodIsRefusedFromTheHeaderBeforeDecoding() throws IOException {
		// a VP8X header claiming 16,384 × 16,384 pixels and nothing behind it
		ByteBuffer vp8x = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN);
		vp8x.put("VP8X".getBytes(StandardCharsets.US_ASCII)).putInt(10).putInt(0);
		putU24(vp8x, 16_383);
		putU24(vp8x, 16_383);
		Path flood = tmp.resolve("flood.webp");
		Files.write(flood, riff(vp8x.array()));
		assertThat(ImageProbe.probe(flood, IngestLimits.defaults()).code()).isEqualTo(IssueCode.TOO_MANY_PIXELS);
	}

	/** A lossy ("VP8 ") WebP header of a 640 × 480 key frame, then {@code rest} instead of the frame's data. */
	private static byte[] webpHeaderThen(String rest) throws IOException {
		byte[] html = rest.getBytes(StandardCharsets.US_ASCII);
		ByteBuffer vp8 = ByteBuffer.allocate(18 + html.length).order(ByteOrder.LITTLE_ENDIAN);
		vp8.put("VP8 ".getBytes(StandardCharsets.US_ASCII)).putInt(10 + html.length);
		vp8.put(new byte[] { 0x10, 0x02, 0x00, (byte) 0x9d, 0x01, 0x2a }).putShort((short) 640).putShort((short) 480);
		vp8.put(html);
		return riff(vp8.array());
	}

	private static byte[] riff(byte[] chunks) throws IOException {
		var out = new ByteArrayOutputStream();
		ByteBuffer head = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
		head.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(4 + chunks.length)
			.put("WEBP".getBytes(StandardCharsets.US_ASCII));
		out.write(head.array());
		out.write(chunks);
		return out.toByteArray();
	}

	private static void putU24(ByteBuffer b, int v) {
		b.put((byte) v).put((byte) (v >> 8)).put((byte) (v >> 16));
	}

}
