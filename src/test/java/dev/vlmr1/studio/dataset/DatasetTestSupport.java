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
import java.util.UUID;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import dev.vlmr1.studio.web.CurrentUser;
import dev.vlmr1.studio.web.StudioProperties;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockMultipartHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.authentication;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;

/**
 * The one Spring configuration every dataset test shares (one context, one embedded PostgreSQL), with helpers
 * to make users, images, jsonl rows and uploads, and to count what is stored.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "studio.datasets.allowed-roots=${java.io.tmpdir}/studio-dataset-roots",
				"studio.datasets.max-archive-bytes=8388608", "studio.datasets.max-archive-entries=1000",
				"studio.datasets.max-line-bytes=1048576", "studio.datasets.max-lines=5000" })
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

	CurrentUser newUser() {
		String name = "u-" + UUID.randomUUID();
		Long id = jdbc.queryForObject(
				"INSERT INTO users (username, password_hash, role) VALUES (?, 'x', 'USER') RETURNING id", Long.class, name);
		return new CurrentUser(id, name, false);
	}

	static RequestPostProcessor as(CurrentUser user) {
		return authentication(new UsernamePasswordAuthenticationToken(user, null,
				List.of(new SimpleGrantedAuthority(user.admin() ? "ROLE_ADMIN" : "ROLE_USER"))));
	}

	/** A multipart upload to {@code /api/datasets} as {@code user} with the given name and mode. */
	static MockMultipartHttpServletRequestBuilder upload(CurrentUser user, String name, String mode) {
		MockMultipartHttpServletRequestBuilder builder = multipart("/api/datasets");
		builder.param("name", name).param("mode", mode).with(as(user)).with(csrf());
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
