package dev.vlmr1.studio.dataset.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What validation found: the valid rows per file, the distinct images they reference and every issue.
 *
 * @param files the jsonl files in upload order with their valid rows
 * @param images distinct valid images referenced by valid rows, by SHA-256
 * @param issues every problem, ordered by file then line
 * @param invalidLines lines that were rejected
 * @param contentLines non-blank lines (valid + invalid)
 */
public record ValidationResult(List<ValidatedFile> files, Map<String, ProbedImage> images, List<Issue> issues,
		int invalidLines, int contentLines) {

	/** A jsonl file after validation. */
	public record ValidatedFile(JsonlInput input, String sha256, long sizeBytes, int lineCount, List<ValidRow> rows) {
	}

	/** A valid row with its images in marker order. */
	public record ValidRow(ParsedRow row, List<ProbedImage> images) {
	}

	public int validRows() {
		return files.stream().mapToInt((f) -> f.rows().size()).sum();
	}

	/** How lines were read the way VLM-R1 reads them, per kind (empty when every valid line was as documented). */
	public List<NormalisedLines> normalisations() {
		return NormalisedLines.of(files);
	}

	public boolean hasFatalIssue() {
		return issues.stream().anyMatch(Issue::fatal);
	}

	/**
	 * Identity of the content that would be stored: the mode, each file's name and bytes, and the bytes of each
	 * image path its valid rows use. Equal hashes mean an identical re-upload.
	 */
	public String contentSha256(String mode) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			digest.update((mode + "\n").getBytes(StandardCharsets.UTF_8));
			for (ValidatedFile file : files) {
				digest.update((file.input().name() + "\n" + file.sha256() + "\n").getBytes(StandardCharsets.UTF_8));
				Map<String, String> paths = new TreeMap<>();
				for (ValidRow row : file.rows()) {
					for (int i = 0; i < row.images().size(); i++) {
						paths.put(row.row().imagePaths().get(i), row.images().get(i).sha256());
					}
				}
				paths.forEach((path, sha) -> digest.update((path + "=" + sha + "\n").getBytes(StandardCharsets.UTF_8)));
			}
			return HexFormat.of().formatHex(digest.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
