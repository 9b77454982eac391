package dev.vlmr1.studio.dataset;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import dev.vlmr1.studio.web.StudioProperties;
import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockMultipartHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;

/**
 * The Spring configuration every dataset test shares with the other modules' integration tests (one context, one
 * embedded PostgreSQL; dataset settings for tests are in {@code src/test/resources/application.properties}), with
 * helpers to make users (real accounts and bearer tokens), images, jsonl rows and uploads, and to count what is
 * stored.
 */
@SpringBootTest
@AutoConfigureMockMvc
abstract class DatasetTestSupport {

	static final Path ALLOWED_ROOT = Path.of(System.getProperty("java.io.tmpdir"), "studio-dataset-roots");

	static final List<String> TABLES = List.of("datasets", "dataset_files", "samples", "images", "dataset_images");

	@Autowired
	MockMvc mvc;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	StudioProperties studio;

	@Autowired
	ApplicationContext context;

	/** A new user with a real WRITE API token. */
	TestUser newUser() {
		return new TestUsers(context).create("ds");
	}

	/** Authenticates an API request with the user's bearer token. */
	static RequestPostProcessor as(TestUser user) {
		return user.api();
	}

	/** A multipart upload to {@code /api/datasets} as {@code user} with the given name and mode. */
	static MockMultipartHttpServletRequestBuilder upload(TestUser user, String name, String mode) {
		MockMultipartHttpServletRequestBuilder builder = multipart("/api/datasets");
		builder.param("name", name).param("mode", mode).with(user.api());
		return builder;
	}

	static MockMultipartFile jsonl(String part, String filename, String... lines) {
		return new MockMultipartFile(part, filename, "application/x-ndjson",
				(String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
	}

	static MockMultipartFile file(String part, String filename, byte[] bytes) {
		return new MockMultipartFile(part, filename, "application/octet-stream", bytes);
	}

	static String rec(Object id, String image, String box) {
		return "{\"id\": " + quote(id) + ", \"image\": \"" + image + "\", \"conversations\": [{\"from\": \"human\", "
				+ "\"value\": \"<image>Please provide the bounding box of the red square.\"}, {\"from\": \"gpt\", "
				+ "\"value\": \"" + box + "\"}]}";
	}

	static String textOnly(Object id, String question, String answer) {
		return "{\"id\": " + quote(id) + ", \"conversations\": [{\"from\": \"human\", \"value\": \"" + question
				+ "\"}, {\"from\": \"gpt\", \"value\": \"" + answer + "\"}]}";
	}

	private static String quote(Object id) {
		return id instanceof String s ? "\"" + s + "\"" : id.toString();
	}

	static byte[] png(int width, int height) {
		return image(width, height, "png");
	}

	static byte[] image(int width, int height, String format) {
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		g.setColor(new Color((width * 31 + height * 17) & 0xffffff));
		g.fillRect(0, 0, width, height);
		g.setColor(Color.RED);
		g.fillRect(width / 4, height / 4, width / 2, height / 2);
		g.dispose();
		var out = new ByteArrayOutputStream();
		try {
			ImageIO.write(image, format, out);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

	/** Row counts of every dataset table, to compare before and after a rejected upload. */
	Map<String, Integer> counts() {
		Map<String, Integer> counts = new LinkedHashMap<>();
		for (String table : TABLES) {
			counts.put(table, jdbc.queryForObject("SELECT count(*) FROM " + table, Integer.class));
		}
		return counts;
	}

	/** Files in the image artifact store (temp files included). */
	long artifactFiles() {
		Path root = studio.artifactsDir().resolve("images");
		if (!Files.isDirectory(root)) {
			return 0;
		}
		try (Stream<Path> files = Files.walk(root)) {
			return files.filter(Files::isRegularFile).count();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Files left in the upload staging area (must be none after every request). */
	long stagingFiles() {
		Path root = studio.dataDir().resolve("staging");
		if (!Files.isDirectory(root)) {
			return 0;
		}
		try (Stream<Path> files = Files.walk(root)) {
			return files.filter((p) -> !p.equals(root)).count();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
