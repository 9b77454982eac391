package dev.vlmr1.studio.dataset;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.vlmr1.studio.dataset.DatasetViews.Detail;
import dev.vlmr1.studio.dataset.DatasetViews.ListItem;
import dev.vlmr1.studio.dataset.DatasetViews.Progress;
import dev.vlmr1.studio.dataset.DatasetViews.SamplePage;
import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;

/**
 * Datasets over REST, under {@code /api/datasets} (API tokens) and under {@code /datasets/data} (the same
 * endpoints for the pages, authenticated by the session and protected by CSRF).
 *
 * <p>{@code POST} takes {@code multipart/form-data}:
 * <ul>
 * <li>{@code name} (required), {@code mode} = {@code strict} (default) | {@code skip_invalid},
 * {@code max_invalid} (optional fraction 0..1, only meaningful with {@code skip_invalid}), {@code upload_id}
 * (optional client-chosen id whose validation progress {@code GET …/uploads/{upload_id}} reports);</li>
 * <li>{@code jsonl}: one or more jsonl files, in order; file #i is then paired with at most one of
 * <ul>
 * <li>{@code images[i]}: its images as individual files, each part's filename being the path the jsonl uses
 * (e.g. {@code images/000001.png});</li>
 * <li>{@code archive[i]}: a zip, tar or tar.gz holding those paths;</li>
 * <li>{@code folder[i]}: an absolute folder on the server under {@code studio.datasets.allowed-roots}.</li>
 * </ul>
 * {@code images}, {@code archive} and {@code folder} without an index mean index 0.</li>
 * </ul>
 * Answers 201 with the dataset, 200 with {@code Idempotent-Replayed: true} when the same user already stored
 * identical content under the same name, or 400 {@code dataset-invalid} with the full report.
 */
@RestController
@RequestMapping({ "/api/datasets", "/datasets/data" })
class DatasetApiController {

	private static final Pattern SOURCE_PART = Pattern.compile("(images|archive|folder)(?:\\[(\\d{1,4})\\])?");

	private final UploadStaging staging;

	private final DatasetIngest ingest;

	private final DatasetQueries queries;

	private final DatasetRemoval removal;

	private final UploadProgress progress;

	DatasetApiController(UploadStaging staging, DatasetIngest ingest, DatasetQueries queries, DatasetRemoval removal,
			UploadProgress progress) {
		this.staging = staging;
		this.ingest = ingest;
		this.queries = queries;
		this.removal = removal;
		this.progress = progress;
	}

	@PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
	ResponseEntity<Detail> upload(@AuthenticationPrincipal CurrentUser user, MultipartHttpServletRequest request) {
		String uploadId = request.getParameter("upload_id");
		var parts = parts(request);
		var ask = new DatasetIngest.Request(required(request, "name"),
				request.getParameter("mode") == null ? "strict" : request.getParameter("mode"),
				maxInvalid(request.getParameter("max_invalid")));
		DatasetIngest.Outcome outcome;
		try (var staged = staging.stage(parts)) {
			outcome = ingest.ingest(user, ask, staged, progress.listener(user.id(), uploadId));
		}
		catch (RuntimeException ex) {
			progress.finish(user.id(), uploadId, "failed");
			throw ex;
		}
		progress.finish(user.id(), uploadId, "done");
		Detail detail = queries.detail(outcome.datasetId(), user);
		if (outcome.replayed()) {
			return ResponseEntity.ok().header("Idempotent-Replayed", "true").body(detail);
		}
		return ResponseEntity.created(URI.create("/api/datasets/" + outcome.datasetId())).body(detail);
	}

	@GetMapping("/uploads/{uploadId}")
	Progress uploadProgress(@AuthenticationPrincipal CurrentUser user, @PathVariable String uploadId) {
		return progress.get(user.id(), uploadId).orElseThrow(() -> ApiProblem.notFound("Upload " + uploadId));
	}

	@GetMapping
	List<ListItem> list(@AuthenticationPrincipal CurrentUser user) {
		return queries.list(user);
	}

	@GetMapping("/{id}")
	Detail get(@AuthenticationPrincipal CurrentUser user, @PathVariable long id) {
		return queries.detail(id, user);
	}

	@GetMapping("/{id}/samples")
	SamplePage samples(@AuthenticationPrincipal CurrentUser user, @PathVariable long id,
			@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "24") int size,
			@RequestParam(required = false) @Nullable String task, @RequestParam(required = false) @Nullable String q) {
		return queries.samples(id, user, page, size, task, q);
	}

	/** Image bytes, typed from the magic-byte format found at upload, never sniffed, never rendered as HTML. */
	@GetMapping("/{id}/images/{sha256}")
	ResponseEntity<Resource> image(@AuthenticationPrincipal CurrentUser user, @PathVariable long id,
			@PathVariable String sha256) {
		DatasetQueries.StoredImage image = queries.image(id, sha256, user);
		return ResponseEntity.ok()
			.contentType(MediaType.parseMediaType("image/" + image.format()))
			.header("X-Content-Type-Options", "nosniff")
			.header("Content-Disposition",
					ContentDisposition.attachment().filename(sha256 + "." + image.format()).build().toString())
			.cacheControl(CacheControl.maxAge(java.time.Duration.ofDays(1)).cachePrivate().immutable())
			.body(new FileSystemResource(image.file()));
	}

	@DeleteMapping("/{id}")
	ResponseEntity<Void> delete(@AuthenticationPrincipal CurrentUser user, @PathVariable long id) {
		removal.delete(id, user);
		return ResponseEntity.noContent().build();
	}

	private static UploadStaging.Parts parts(MultipartHttpServletRequest request) {
		List<MultipartFile> jsonl = request.getFiles("jsonl");
		Map<Integer, List<MultipartFile>> images = new HashMap<>();
		Map<Integer, MultipartFile> archives = new HashMap<>();
		Map<Integer, String> folders = new HashMap<>();
		for (var entry : request.getMultiFileMap().entrySet()) {
			Matcher m = SOURCE_PART.matcher(entry.getKey());
			if (!m.matches() || m.group(1).equals("folder")) {
				continue;
			}
			int index = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
			if (m.group(1).equals("images")) {
				images.computeIfAbsent(index, (i) -> new ArrayList<>()).addAll(entry.getValue());
			}
			else if (entry.getValue().size() != 1 || archives.put(index, entry.getValue().get(0)) != null) {
				throw ApiProblem.badRequest("dataset-invalid", "one archive per jsonl file");
			}
		}
		for (var entry : request.getParameterMap().entrySet()) {
			Matcher m = SOURCE_PART.matcher(entry.getKey());
			if (m.matches() && m.group(1).equals("folder") && entry.getValue().length == 1) {
				folders.put(m.group(2) == null ? 0 : Integer.parseInt(m.group(2)), entry.getValue()[0]);
			}
		}
		return new UploadStaging.Parts(jsonl, images, archives, folders);
	}

	private static String required(MultipartHttpServletRequest request, String name) {
		String value = request.getParameter(name);
		if (value == null || value.isBlank()) {
			throw ApiProblem.badRequest("dataset-invalid", name + " is required");
		}
		return value;
	}

	private static @Nullable Double maxInvalid(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return Double.valueOf(value);
		}
		catch (NumberFormatException ex) {
			throw new ApiProblem(HttpStatus.BAD_REQUEST, "dataset-invalid", "Bad request", "max_invalid must be a number");
		}
	}

}
