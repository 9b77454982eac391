package dev.vlmr1.studio.security;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import javax.imageio.ImageIO;

import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.request.MockMultipartHttpServletRequestBuilder;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;

/**
 * The smallest real dataset upload: one REC line whose image is a 64×48 PNG. Every upload sends the same PNG, so
 * its SHA-256 names the stored image in every dataset ({@code ${image}} in matrix paths).
 */
final class MatrixDatasets {

	static final byte[] PNG = png();

	static final String IMAGE_SHA256 = sha256(PNG);

	private static final String LINE = "{\"id\": 1, \"image\": \"a.png\", \"conversations\": ["
			+ "{\"from\": \"human\", \"value\": \"<image>Please provide the bounding box of the red square.\"}, "
			+ "{\"from\": \"gpt\", \"value\": \"[16, 12, 48, 36]\"}]}\n";

	private MatrixDatasets() {
	}

	/** A multipart POST to {@code path} (the API or its page-side twin) uploading a dataset named {@code name}. */
	static MockMultipartHttpServletRequestBuilder upload(String path, String name, long uploadId) {
		MockMultipartHttpServletRequestBuilder request = multipart(path);
		request.file(new MockMultipartFile("jsonl", "rec.jsonl", "application/x-ndjson",
				LINE.getBytes(StandardCharsets.UTF_8)));
		request.file(new MockMultipartFile("images", "a.png", "image/png", PNG));
		request.param("name", name).param("mode", "strict").param("upload_id", Long.toString(uploadId));
		return request;
	}

	private static byte[] png() {
		BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
		var g = image.createGraphics();
		g.setColor(Color.RED);
		g.fillRect(16, 12, 32, 24);
		g.dispose();
		var out = new ByteArrayOutputStream();
		try {
			ImageIO.write(image, "png", out);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

	private static String sha256(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
