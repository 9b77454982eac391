package dev.vlmr1.studio.compare;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/**
 * The comparison as JSON and as a CSV download. Each is served under {@code /api} for token clients and beside
 * the page ({@code /compare/data}, {@code /compare.csv}) for the browser, which authenticates with its session
 * cookie and cannot send a bearer token (the {@code /api} chain ignores cookies).
 *
 * <p>{@code runs=1,2,3} (or the parameter repeated) picks the runs; {@code metrics=reward,kl} narrows the
 * metrics. A metric whose name holds a comma is asked for by repeating the parameter, since a single value is
 * split at commas.
 */
@RestController
class CompareApiController {

	static final MediaType TEXT_CSV = new MediaType("text", "csv", StandardCharsets.UTF_8);

	private final RunComparisons comparisons;

	CompareApiController(RunComparisons comparisons) {
		this.comparisons = comparisons;
	}

	@GetMapping(path = { "/api/compare", "/compare/data" }, produces = MediaType.APPLICATION_JSON_VALUE)
	Comparison compare(@AuthenticationPrincipal @Nullable CurrentUser user,
			@RequestParam(required = false) @Nullable List<Long> runs,
			@RequestParam(required = false) @Nullable List<String> metrics) {
		return comparisons.compare(user, runs, metrics);
	}

	/**
	 * The final-metrics table as CSV ({@code part=final}, the default), or every curve point in long format
	 * ({@code part=curves}).
	 */
	@GetMapping(path = { "/api/compare.csv", "/compare.csv" })
	ResponseEntity<String> csv(@AuthenticationPrincipal @Nullable CurrentUser user,
			@RequestParam(required = false) @Nullable List<Long> runs,
			@RequestParam(required = false) @Nullable List<String> metrics,
			@RequestParam(defaultValue = "final") String part) {
		boolean curves = switch (part) {
			case "final" -> false;
			case "curves" -> true;
			default -> throw ApiProblem.badRequest("comparison-invalid", "part must be final or curves; got " + part)
				.with("field", "part");
		};
		Comparison comparison = comparisons.compare(user, runs, metrics);
		String filename = "comparison-" + (curves ? "curves-" : "") + comparison.runIds().replace(',', '-') + ".csv";
		return ResponseEntity.ok()
			.contentType(TEXT_CSV)
			.header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(filename).build().toString())
			.body(curves ? ComparisonCsv.curves(comparison) : ComparisonCsv.finals(comparison));
	}

}
