package dev.vlmr1.studio.dataset.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * T3.11: Jazzer fuzz tests of the four parsers that read what users upload: the jsonl reader and row parser, the
 * path rules and resolver, the archive extractor and the image probe. Each target states what must hold for any
 * input: it ends in a result or a validation issue (never another exception), and whatever it accepts is safe.
 *
 * <p>In {@code mvn test} they run in regression mode, in a JVM of their own (Surefire execution {@code fuzz-tests},
 * since Jazzer attaches an agent): each target once per input committed under
 * {@code src/test/resources/dev/vlmr1/studio/dataset/ingest/IngestFuzzTestsInputs/<target>/} (seeds and every
 * finding so far); an input takes milliseconds, the agent's start most of the time. To fuzz for real, with
 * coverage guidance, run one target at a time:
 * <pre>
 * JAZZER_FUZZ=1 mvn -Dskip.frontend -Dtest='IngestFuzzTests#archiveExtractor' test
 * </pre>
 * A finding is written into that inputs folder as {@code crash-<sha1>}: commit it with the fix, and it is replayed in
 * every build from then on.
 */
class IngestFuzzTests {

	/** Small caps, so that a fuzzer reaches them with short inputs. */
	private static final IngestLimits LIMITS = new IngestLimits(4096, 50, 16, 40, 256, 4_000_000L, 1, 1L << 20, 20,
			1L << 20, 50);

	private static final RowParser ROWS = new RowParser(LIMITS);

	@FuzzTest(maxDuration = "10m")
	void jsonlParser(byte[] data) throws IOException {
		Path dir = Files.createTempDirectory("fuzz-jsonl");
		try {
			Path file = Files.write(dir.resolve("f.jsonl"), data);
			List<Issue> issues = new ArrayList<>();
			List<Object> rows = new ArrayList<>();
			int lines = JsonlReader.read(file, "f.jsonl", LIMITS, issues,
					(n, bytes, length) -> rows.add(ROWS.parse("f.jsonl", n, bytes, length)));
			assertThat(lines).isBetween(0, LIMITS.maxLines() + 1);
			for (Object row : rows) {
				assertThat(row).isInstanceOfAny(ParsedRow.class, Issue.class);
				if (row instanceof ParsedRow parsed) {
					for (String image : parsed.imagePaths()) {
						assertThat(SafePaths.problem(image, LIMITS.maxPathLength())).as("an accepted row's image path")
							.isNull();
					}
				}
			}
		}
		finally {
			delete(dir);
		}
	}

	@FuzzTest(maxDuration = "10m")
	void pathResolver(byte[] data) throws IOException {
		String path = new String(data, StandardCharsets.UTF_8);
		String problem = SafePaths.problem(path, LIMITS.maxPathLength());
		if (problem != null) {
			return;
		}
		Path dir = Files.createTempDirectory("fuzz-paths");
		try {
			Path root = Files.createDirectory(dir.resolve("root")).toRealPath();
			Files.writeString(root.resolve("a.png"), "inside");
			Files.writeString(dir.resolve("secret.png"), "outside");
			Files.createSymbolicLink(root.resolve("link.png"), dir.resolve("secret.png"));
			assertThat(root.resolve(path).normalize().startsWith(root)).as("an accepted path stays under its root: " + path)
				.isTrue();
			try {
				Path resolved = SafePaths.resolveFile(root, path);
				if (resolved != null) {
					assertThat(resolved).startsWith(root);
					assertThat(Files.isRegularFile(resolved, LinkOption.NOFOLLOW_LINKS)).isTrue();
				}
			}
			catch (SafePaths.EscapeException ex) {
				assertThat(path).isEqualTo("link.png");
			}
		}
		finally {
			delete(dir);
		}
	}

	@FuzzTest(maxDuration = "10m")
	void archiveExtractor(byte[] data) throws IOException {
		Path dir = Files.createTempDirectory("fuzz-archive");
		try {
			Path archive = Files.write(dir.resolve("upload"), data);
			Path target = Files.createDirectories(dir.resolve("root").resolve("target"));
			Issue issue = ArchiveImport.extract(archive, target, LIMITS, "archive[0]");
			long bytes = 0;
			int files = 0;
			try (Stream<Path> all = Files.walk(dir.resolve("root"))) {
				for (Path p : all.toList()) {
					assertThat(Files.isSymbolicLink(p)).as("no link is created: " + p).isFalse();
					assertThat(p.startsWith(target) || p.equals(target.getParent())).as("nothing outside the target: " + p)
						.isTrue();
					if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
						bytes += Files.size(p);
						files++;
					}
				}
			}
			assertThat(bytes).isLessThanOrEqualTo(LIMITS.maxArchiveBytes());
			assertThat(files).isLessThanOrEqualTo(LIMITS.maxArchiveEntries());
			if (issue != null) {
				assertThat(issue.code()).startsWith("archive_");
			}
		}
		finally {
			delete(dir);
		}
	}

	@FuzzTest(maxDuration = "10m")
	void imageProbe(byte[] data) throws IOException {
		Path dir = Files.createTempDirectory("fuzz-image");
		try {
			Path file = Files.write(dir.resolve("image"), data);
			ImageProbe.Result result = ImageProbe.probe(file, LIMITS);
			assertThat(result).isNotNull();
			assertThat(result.image() == null).as("a result is an image or a refusal").isEqualTo(result.code() != null);
			if (result.image() != null) {
				ProbedImage image = result.image();
				assertThat(ImageProbe.format(data)).isEqualTo(image.format());
				assertThat((long) image.width() * image.height()).isBetween(1L, LIMITS.maxPixels());
				assertThat(image.sizeBytes()).isEqualTo(data.length);
			}
		}
		finally {
			delete(dir);
		}
	}

	private static void delete(Path dir) {
		try (Stream<Path> all = Files.walk(dir)) {
			for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(p);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
