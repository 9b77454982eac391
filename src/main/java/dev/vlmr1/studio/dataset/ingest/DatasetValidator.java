package dev.vlmr1.studio.dataset.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.HexFormat;

/**
 * Validates an upload as DATA.md says, reading only: every line (syntax, schema, boxes, id uniqueness per
 * file), then every distinct image once (path safety, existence under its folder without leaving it through
 * symlinks, magic bytes, header dimensions, decode), then boxes against their image's size. Nothing is
 * stored; the caller decides from the result.
 */
public final class DatasetValidator {

	private static final Object MISSING = new Object();

	private static final int BATCH = 2048;

	/**
	 * Parses line batches. The common pool has one thread fewer than the machine has cores (one on a 2-core
	 * machine), which would leave parsing single-threaded while the calling thread only reads bytes.
	 */
	private static final ForkJoinPool PARSERS = new ForkJoinPool(Math.max(2, Runtime.getRuntime().availableProcessors()));

	private final IngestLimits limits;

	public DatasetValidator(IngestLimits limits) {
		this.limits = limits;
	}

	@SuppressWarnings("unchecked")
	public ValidationResult validate(List<JsonlInput> inputs, ProgressListener progress) {
		RowParser parser = new RowParser(limits);
		List<Issue> issues = new ArrayList<>();
		List<List<ParsedRow>> parsed = new ArrayList<>();
		List<String> hashes = new ArrayList<>();
		List<Integer> lineCounts = new ArrayList<>();
		long totalLines = 0;
		for (JsonlInput input : inputs) {
			totalLines += countLines(input.jsonl());
		}
		long[] done = { 0 };
		int contentLines = 0;
		for (JsonlInput input : inputs) {
			List<ParsedRow> rows = new ArrayList<>();
			Set<String> keys = new HashSet<>();
			int issuesBefore = issues.size();
			final long total = totalLines;
			// lines are read in order here and parsed in batches on the common pool; results are then taken in
			// line order, so duplicate ids are judged exactly as in a sequential pass
			List<CompletableFuture<List<Object>>> batches = new ArrayList<>();
			List<RawLine> batch = new ArrayList<>(BATCH);
			List<RawLine>[] current = new List[] { batch };
			int lines = JsonlReader.read(input.jsonl(), input.name(), limits, issues, (line, bytes, length) -> {
				current[0].add(new RawLine(line, Arrays.copyOf(bytes, length)));
				if (current[0].size() == BATCH) {
					batches.add(parse(parser, input.name(), current[0]));
					current[0] = new ArrayList<>(BATCH);
				}
				if ((++done[0] & 1023) == 0) {
					progress.progress("rows", done[0], total);
				}
			});
			batches.add(parse(parser, input.name(), current[0]));
			for (CompletableFuture<List<Object>> parsedBatch : batches) {
				for (Object result : parsedBatch.join()) {
					if (result instanceof ParsedRow row) {
						if (row.key() != null && !keys.add(row.key())) {
							issues.add(Issue.of(input.name(), row.line(), "id", IssueCode.DUPLICATE_ID,
									"id " + row.key() + " appears on an earlier line"));
						}
						else {
							rows.add(row);
						}
					}
					else {
						issues.add((Issue) result);
					}
				}
			}
			contentLines += rows.size() + (int) issues.subList(issuesBefore, issues.size()).stream().filter((i) -> !i.fatal()).count();
			parsed.add(rows);
			hashes.add(sha256(input.jsonl()));
			lineCounts.add(lines);
		}
		progress.progress("rows", totalLines, totalLines);
		Map<String, Object> resolved = resolveImages(inputs, parsed);
		Map<Path, ImageProbe.Result> probes = probeImages(resolved, progress);
		List<ValidationResult.ValidatedFile> files = new ArrayList<>();
		Map<String, ProbedImage> images = new LinkedHashMap<>();
		for (int f = 0; f < inputs.size(); f++) {
			JsonlInput input = inputs.get(f);
			List<ValidationResult.ValidRow> valid = new ArrayList<>();
			for (ParsedRow row : parsed.get(f)) {
				Object checked = checkImages(f, input, row, resolved, probes);
				if (checked instanceof Issue issue) {
					issues.add(issue);
					continue;
				}
				@SuppressWarnings("unchecked")
				List<ProbedImage> rowImages = (List<ProbedImage>) checked;
				rowImages.forEach((image) -> images.putIfAbsent(image.sha256(), image));
				valid.add(new ValidationResult.ValidRow(row, rowImages));
			}
			files.add(new ValidationResult.ValidatedFile(input, hashes.get(f), size(input.jsonl()), lineCounts.get(f), valid));
		}
		Map<String, Integer> order = new HashMap<>();
		for (int f = 0; f < inputs.size(); f++) {
			order.putIfAbsent(inputs.get(f).name(), f);
		}
		issues.sort(Comparator.comparingInt((Issue i) -> order.getOrDefault(i.file(), -1)).thenComparingInt(Issue::line));
		int invalid = (int) issues.stream().filter((i) -> !i.fatal()).map((i) -> i.file() + ":" + i.line()).distinct().count();
		return new ValidationResult(files, images, issues, invalid, contentLines);
	}

	private record RawLine(int number, byte[] bytes) {
	}

	private static CompletableFuture<List<Object>> parse(RowParser parser, String file, List<RawLine> lines) {
		return CompletableFuture.supplyAsync(() -> {
			List<Object> results = new ArrayList<>(lines.size());
			for (RawLine line : lines) {
				results.add(parser.parse(file, line.number(), line.bytes(), line.bytes().length));
			}
			return results;
		}, PARSERS);
	}

	/**
	 * Resolves each distinct (file, image path) once: to the real {@link Path}, to {@link #MISSING}, or to the
	 * {@link SafePaths.EscapeException} of a symlink that leaves the folder.
	 */
	private static Map<String, Object> resolveImages(List<JsonlInput> inputs, List<List<ParsedRow>> parsed) {
		Map<String, Object> resolved = new HashMap<>();
		for (int f = 0; f < inputs.size(); f++) {
			Path root = inputs.get(f).imageRoot();
			if (root == null) {
				continue;
			}
			for (ParsedRow row : parsed.get(f)) {
				for (String path : row.imagePaths()) {
					resolved.computeIfAbsent(f + "\0" + path, (key) -> {
						try {
							Path real = SafePaths.resolveFile(root, path);
							return real != null ? real : MISSING;
						}
						catch (SafePaths.EscapeException ex) {
							return ex;
						}
					});
				}
			}
		}
		return resolved;
	}

	/** Probes every distinct image file once, in parallel. */
	private Map<Path, ImageProbe.Result> probeImages(Map<String, Object> resolved, ProgressListener progress) {
		Set<Path> files = new HashSet<>();
		for (Object value : resolved.values()) {
			if (value instanceof Path path) {
				files.add(path);
			}
		}
		Map<Path, ImageProbe.Result> results = new ConcurrentHashMap<>();
		AtomicLong probed = new AtomicLong();
		long total = files.size();
		PARSERS.submit(() -> files.parallelStream().forEach((file) -> {
			results.put(file, ImageProbe.probe(file, limits));
			long n = probed.incrementAndGet();
			if ((n & 63) == 0) {
				progress.progress("images", n, total);
			}
		})).join();
		progress.progress("images", total, total);
		return results;
	}

	/** The row's probed images, or the issue of its first bad image or out-of-image box. */
	private Object checkImages(int fileIndex, JsonlInput input, ParsedRow row, Map<String, Object> resolved,
			Map<Path, ImageProbe.Result> probes) {
		List<ProbedImage> images = new ArrayList<>(row.imagePaths().size());
		for (int i = 0; i < row.imagePaths().size(); i++) {
			String path = row.imagePaths().get(i);
			String field = row.imagePaths().size() == 1 ? "image" : "image[" + i + "]";
			Path root = input.imageRoot();
			if (root == null) {
				return Issue.of(input.name(), row.line(), field, IssueCode.IMAGE_MISSING,
						path + ": no images were uploaded with this file");
			}
			Object resolution = resolved.get(fileIndex + "\0" + path);
			if (resolution instanceof SafePaths.EscapeException ex) {
				return Issue.of(input.name(), row.line(), field, IssueCode.UNSAFE_PATH, path + ": " + ex.getMessage());
			}
			if (!(resolution instanceof Path real)) {
				return Issue.of(input.name(), row.line(), field, IssueCode.IMAGE_MISSING, path + ": no such image");
			}
			ImageProbe.Result probe = probes.get(real);
			if (probe.image() == null) {
				return new Issue(input.name(), row.line(), field, probe.code().slug(), path + ": " + probe.message());
			}
			images.add(probe.image());
		}
		if (!row.boxes().isEmpty() && !images.isEmpty()) {
			ProbedImage first = images.get(0);
			for (double[] box : row.boxes()) {
				if (box[2] > first.width() || box[3] > first.height()) {
					return Issue.of(input.name(), row.line(), "conversations[1].value", IssueCode.BOX_OUTSIDE_IMAGE,
							"box " + java.util.Arrays.toString(box) + " is outside the " + first.width() + "x"
									+ first.height() + " image");
				}
			}
		}
		return images;
	}

	private static long countLines(Path file) {
		long lines = 1;
		byte[] buffer = new byte[1 << 16];
		try (InputStream in = Files.newInputStream(file)) {
			int n;
			while ((n = in.read(buffer)) > 0) {
				for (int i = 0; i < n; i++) {
					if (buffer[i] == '\n') {
						lines++;
					}
				}
			}
			return lines;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static long size(Path file) {
		try {
			return Files.size(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String sha256(Path file) {
		try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
			in.transferTo(java.io.OutputStream.nullOutputStream());
			return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
