package dev.vlmr1.studio.dataset;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import tools.jackson.databind.json.JsonMapper;

import dev.vlmr1.studio.dataset.ingest.DatasetValidator;
import dev.vlmr1.studio.dataset.ingest.Issue;
import dev.vlmr1.studio.dataset.ingest.IssueCode;
import dev.vlmr1.studio.dataset.ingest.ProgressListener;
import dev.vlmr1.studio.dataset.ingest.ValidationResult;
import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Runs an upload from staged parts to stored dataset: validate everything, decide by mode, then store images
 * (content-addressed, created files remembered) and the rows in one transaction. When anything fails after
 * validation, the images this upload created and no committed dataset references are deleted again, so a
 * rejected or failed upload leaves the database and the artifact store as they were.
 */
@Service
class DatasetIngest {

	/** What the client asked for. */
	record Request(String name, String mode, @Nullable Double maxInvalid) {
	}

	/** The stored (or already present, {@code replayed}) dataset. */
	record Outcome(long datasetId, boolean replayed) {
	}

	private final DatasetProperties properties;

	private final ImageStore images;

	private final DatasetWriter writer;

	private final JdbcClient jdbc;

	private final JsonMapper json;

	DatasetIngest(DatasetProperties properties, ImageStore images, DatasetWriter writer, JdbcClient jdbc,
			JsonMapper json) {
		this.properties = properties;
		this.images = images;
		this.writer = writer;
		this.jdbc = jdbc;
		this.json = json;
	}

	Outcome ingest(CurrentUser user, Request request, UploadStaging.Staged staged, ProgressListener progress) {
		String name = request.name().strip();
		if (name.isEmpty() || name.length() > 200) {
			throw ApiProblem.badRequest("dataset-invalid", "name must have 1 to 200 characters");
		}
		if (!request.mode().equals("strict") && !request.mode().equals("skip_invalid")) {
			throw ApiProblem.badRequest("dataset-invalid", "mode must be strict or skip_invalid");
		}
		Double maxInvalid = request.maxInvalid();
		if (maxInvalid != null && !(maxInvalid >= 0 && maxInvalid <= 1)) {
			throw ApiProblem.badRequest("dataset-invalid", "max_invalid must be a fraction between 0 and 1");
		}
		if (!staged.issues().isEmpty()) {
			throw rejected("the upload is malformed or unsafe", staged.issues(), 0, 0);
		}
		ValidationResult result = new DatasetValidator(properties.limits()).validate(staged.inputs(), progress);
		List<Issue> issues = new ArrayList<>(result.issues());
		if (result.hasFatalIssue()) {
			throw rejected("a file of the upload is unusable", issues, result.validRows(), result.invalidLines());
		}
		if (request.mode().equals("strict") && !issues.isEmpty()) {
			throw rejected(result.invalidLines() + " invalid line(s); nothing was stored (mode strict)", issues,
					result.validRows(), result.invalidLines());
		}
		double fraction = result.contentLines() == 0 ? 1 : (double) result.invalidLines() / result.contentLines();
		if (maxInvalid != null && fraction > maxInvalid) {
			issues.add(Issue.of("", 0, "", IssueCode.TOO_MANY_INVALID, String.format(java.util.Locale.ROOT,
					"%.2f%% of the lines are invalid, more than max_invalid %.2f%%", fraction * 100, maxInvalid * 100)));
			throw rejected("too many invalid lines; nothing was stored", issues, result.validRows(), result.invalidLines());
		}
		if (result.validRows() == 0) {
			throw rejected("no valid line; nothing was stored", issues, 0, result.invalidLines());
		}
		String content = result.contentSha256(request.mode());
		Optional<Long> existing = findSame(user.id(), name, content);
		if (existing.isPresent()) {
			return new Outcome(existing.get(), true);
		}
		progress.progress("storing", 0, 1);
		List<Issue> kept = issues.size() > properties.reportCap() ? issues.subList(0, properties.reportCap()) : issues;
		var dataset = new DatasetWriter.NewDataset(user.id(), name, request.mode(), content,
				json.writeValueAsString(kept), issues.size() - kept.size(),
				json.writeValueAsString(result.normalisations()));
		// images are copied into the store while the rows stream into PostgreSQL; the transaction commits only
		// after both are done
		CompletableFuture<List<String>> stored = CompletableFuture
			.supplyAsync(() -> images.storeAll(result.images().values()));
		try {
			long id = writer.write(dataset, result, stored::join);
			progress.progress("storing", 1, 1);
			return new Outcome(id, false);
		}
		catch (RuntimeException ex) {
			// a failed store already removed its own files; otherwise undo the files it created
			deleteUnreferenced(stored.exceptionally((error) -> List.of()).join());
			if (ex instanceof DuplicateKeyException) {
				// an identical upload committed concurrently: answer with it
				Optional<Long> raced = findSame(user.id(), name, content);
				if (raced.isPresent()) {
					return new Outcome(raced.get(), true);
				}
			}
			throw new ApiProblem(HttpStatus.INTERNAL_SERVER_ERROR, "dataset-store-failed", "Storing failed",
					"storing the dataset failed and was rolled back; nothing was stored. Retry the upload.");
		}
	}

	private Optional<Long> findSame(long ownerId, String name, String content) {
		return jdbc.sql("SELECT id FROM datasets WHERE owner_id = ? AND name = ? AND content_sha256 = ?")
			.params(ownerId, name, content)
			.query(Long.class)
			.optional();
	}

	/** Deletes the files this upload created unless a committed images row refers to them. */
	private void deleteUnreferenced(List<String> created) {
		if (created.isEmpty()) {
			return;
		}
		Set<String> referenced = new HashSet<>(jdbc.sql("SELECT sha256 FROM images WHERE sha256 = ANY(?)")
			.param(created.toArray(String[]::new))
			.query(String.class)
			.list());
		images.deleteAll(created.stream().filter((sha) -> !referenced.contains(sha)).toList());
	}

	private ApiProblem rejected(String detail, List<Issue> issues, int validRows, int invalidLines) {
		List<Issue> report = issues.size() > properties.reportCap() ? issues.subList(0, properties.reportCap()) : issues;
		return new ApiProblem(HttpStatus.BAD_REQUEST, "dataset-invalid", "Dataset rejected", detail)
			.with("report", report)
			.with("reportTruncated", issues.size() - report.size())
			.with("validRows", validRows)
			.with("invalidLines", invalidLines);
	}

}
