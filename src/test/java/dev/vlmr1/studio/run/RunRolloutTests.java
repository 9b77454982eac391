package dev.vlmr1.studio.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;
import dev.vlmr1.studio.web.StudioProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.endsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Rollout samples: recorded under the worker's lease only, bounded and checked, archived with the metrics when a
 * resumed attempt rewrites steps, and served to the run's owner only (JSON and the images they name).
 */
class RunRolloutTests extends RunTestSupport {

	static final Path IMAGE = Path.of("src/test/resources/fixtures/images/h_150x95.png");

	@Autowired
	StudioProperties studio;

	@Test
	void recordRolloutsIsFencedByTheLease() {
		drainQueue();
		RunId id = queuedRun(newUser(false));
		ClaimedRun first = runs.claimNext("worker-a").orElseThrow();
		runs.recordRollouts(id, first.leaseToken(), 1, List.of(sample("first", 0.5)));
		assertThat(live(id, 1)).extracting(RolloutSample::completion).containsExactly("first");
		assertThat(eventTypes(id)).contains("ROLLOUTS");

		assertThatThrownBy(() -> runs.recordRollouts(id, UUID.randomUUID(), 2, List.of(sample("forged", 0.1))))
			.isInstanceOf(LeaseLostException.class)
			.satisfies(ex -> assertThat(((ApiProblem) ex).status()).isEqualTo(HttpStatus.CONFLICT));

		// the lease lapses, the run is re-claimed: the first worker's token writes nothing any more
		jdbc.sql("UPDATE runs SET lease_expires_at = now() - interval '1 second' WHERE id = ?").param(id.value()).update();
		assertThat(runs.reclaimExpiredLeases()).isEqualTo(1);
		ClaimedRun second = runs.claimNext("worker-b").orElseThrow();
		assertThatThrownBy(() -> runs.recordRollouts(id, first.leaseToken(), 2, List.of(sample("zombie", 0.1))))
			.isInstanceOf(LeaseLostException.class);
		runs.recordRollouts(id, second.leaseToken(), 2, List.of(sample("second", 0.7)));
		assertThat(rolloutStore.steps(id.value())).containsExactly(1, 2);
		assertThat(jdbc.sql("SELECT count(*) FROM run_rollouts WHERE run_id = ? AND completion IN ('forged', 'zombie')")
			.param(id.value()).query(Long.class).single()).isZero();
		assertThat(live(id, 2).get(0).attempt()).isEqualTo(2);
	}

	@Test
	void badSamplesAreRefusedAndLongTextsCut() {
		drainQueue();
		RunId id = queuedRun(newUser(false));
		UUID lease = runs.claimNext("w").orElseThrow().leaseToken();
		List<RolloutSampleRecord> seventeen = new ArrayList<>(Collections.nCopies(17, sample("x", 0)));
		assertBadRequest(() -> runs.recordRollouts(id, lease, 1, seventeen), "at most 16");
		assertBadRequest(() -> runs.recordRollouts(id, lease, -1, List.of(sample("x", 0))), "step must be >= 0");
		assertBadRequest(() -> runs.recordRollouts(id, lease, 1, List.of(withImage("../../etc/passwd"))),
				"neither a sha256 nor a path inside the artifact store");
		assertBadRequest(() -> runs.recordRollouts(id, lease, 1, List.of(withImage("/etc/passwd"))), "artifact store");
		assertBadRequest(() -> runs.recordRollouts(id, lease, 1,
				List.of(new RolloutSampleRecord("p", List.of(), "c", Map.of("iou", Double.NaN), 0, 0, List.of(), List.of()))),
				"reward 'iou' must be a finite number");
		assertBadRequest(() -> runs.recordRollouts(id, lease, 1, List.of(new RolloutSampleRecord("p", List.of(), "c",
				Map.of(), 0, Double.POSITIVE_INFINITY, List.of(), List.of()))), "finite");
		assertBadRequest(() -> runs.recordRollouts(id, lease, 1, List.of(new RolloutSampleRecord("p", List.of(), "c",
				Map.of(), 0, 0, List.of(new RolloutBox(List.of(1.0, 2.0, 3.0), null)), List.of()))), "[x1, y1, x2, y2]");
		assertThat(rolloutStore.steps(id.value())).isEmpty();

		// an absolute path inside the store is kept relative; a runaway completion is cut
		String inside = studio.artifactsDir().toAbsolutePath().resolve("rollouts/a.png").toString();
		runs.recordRollouts(id, lease, 1, List.of(new RolloutSampleRecord("p", List.of(inside, "AB".repeat(32)),
				"y".repeat(25_000), Map.of(), 0, 0, List.of(), List.of())));
		RolloutSample stored = live(id, 1).get(0);
		assertThat(stored.images()).containsExactly("rollouts/a.png", "ab".repeat(32));
		assertThat(stored.completion()).hasSize(RolloutLimits.MAX_TEXT + RolloutLimits.CUT.length())
			.endsWith("[truncated]");
	}

	@Test
	void aRetriedStepReplacesItsSampleAndAResumeArchivesLaterSteps() {
		drainQueue();
		RunId id = queuedRun(newUser(false));
		UUID lease = runs.claimNext("w").orElseThrow().leaseToken();
		for (int step = 1; step <= 3; step++) {
			runs.recordMetrics(id, lease, step, Map.of("loss", 1.0 / step));
			runs.recordRollouts(id, lease, step, List.of(sample("s" + step + "a", 0.1), sample("s" + step + "b", 0.2)));
		}
		runs.recordRollouts(id, lease, 3, List.of(sample("s3 again", 0.3)));
		assertThat(live(id, 3)).extracting(RolloutSample::completion).containsExactly("s3 again");

		runs.archiveMetricsAfter(id, lease, 1);
		assertThat(rolloutStore.steps(id.value())).containsExactly(1);
		assertThat(live(id, 1)).hasSize(2);
		assertThat(jdbc.sql("SELECT count(*) FROM run_rollouts WHERE run_id = ? AND archived").param(id.value())
			.query(Long.class).single()).as("steps 2 and 3 kept, archived").isEqualTo(3);
		runs.recordRollouts(id, lease, 2, List.of(sample("s2 rewritten", 0.4)));
		assertThat(rolloutStore.steps(id.value())).containsExactly(1, 2);
	}

	@Test
	void rolloutsAndTheirImagesAreServedToTheOwnerOnly() throws Exception {
		CurrentUser alice = newUser(false);
		CurrentUser bob = newUser(false);
		CurrentUser admin = newUser(true);
		drainQueue();
		RunId id = queuedRun(alice);
		UUID lease = runs.claimNext("w").orElseThrow().leaseToken();
		byte[] png = Files.readAllBytes(IMAGE);
		String sha = storeDatasetImage(png);
		Path artifact = studio.artifactsDir().resolve("rollouts/run-" + id.value() + "/h.png");
		Files.createDirectories(artifact.getParent());
		Files.write(artifact, png);
		Files.writeString(artifact.resolveSibling("notes.txt"), "not an image");
		runs.recordRollouts(id, lease, 4, List.of(sample("four", 0.1)));
		runs.recordRollouts(id, lease, 7, List.of(
				new RolloutSampleRecord("Which circle?", List.of(sha), "<think>x</think><answer><b>[1,2,3,4]</b></answer>",
						Map.of("format", 1.0, "iou", 0.25), 1.25, -0.5, List.of(RolloutBox.of(1, 2, 3, 4)),
						List.of(new RolloutBox(List.of(10.0, 20.0, 30.0, 40.0), "circle"))),
				new RolloutSampleRecord("p", List.of("rollouts/run-" + id.value() + "/h.png", "rollouts/run-" + id.value()
						+ "/notes.txt", "rollouts/missing.png"), "c", Map.of(), 0, 0, List.of(), List.of())));

		String api = "/api/runs/" + id.value() + "/rollouts";
		mvc.perform(get(api).with(as(alice)))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.steps").value(contains(4, 7)))
			.andExpect(jsonPath("$.step").value(7))
			.andExpect(jsonPath("$.samples[0].completion").value("<think>x</think><answer><b>[1,2,3,4]</b></answer>"))
			.andExpect(jsonPath("$.samples[0].rewards.iou").value(0.25))
			.andExpect(jsonPath("$.samples[0].reward").value(1.25))
			.andExpect(jsonPath("$.samples[0].advantage").value(-0.5))
			.andExpect(jsonPath("$.samples[0].predictedBoxes[0].box").value(contains(1.0, 2.0, 3.0, 4.0)))
			.andExpect(jsonPath("$.samples[0].truthBoxes[0].label").value("circle"))
			.andExpect(jsonPath("$.samples[0].imageUrls[0]").value(api + "/7/0/images/0"));
		mvc.perform(get(api + "?step=4").with(as(alice)))
			.andExpect(jsonPath("$.step").value(4))
			.andExpect(jsonPath("$.samples[0].completion").value("four"));
		mvc.perform(get(api + "?step=5").with(as(alice))).andExpect(status().isNotFound());
		mvc.perform(get(api + "?step=-1").with(as(alice))).andExpect(status().isBadRequest());
		mvc.perform(get(api).with(as(bob))).andExpect(status().isNotFound())
			.andExpect(content().contentTypeCompatibleWith("application/problem+json"));
		mvc.perform(get(api).with(as(admin))).andExpect(status().isOk());
		mvc.perform(get(api)).andExpect(status().isUnauthorized());
		// the page's twin, with the session
		mvc.perform(get("/runs/" + id.value() + "/rollouts").with(onPage(alice)))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.samples[0].imageUrls[0]").value(endsWith("/runs/" + id.value() + "/rollouts/7/0/images/0")));
		mvc.perform(get("/runs/" + id.value() + "/rollouts").with(onPage(bob))).andExpect(status().isNotFound());
		mvc.perform(get("/runs/" + id.value() + "/attempts").with(onPage(alice)))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$[0].workerId").value("w"));
		mvc.perform(get("/runs/" + id.value() + "/attempts").with(onPage(bob))).andExpect(status().isNotFound());

		mvc.perform(get(api + "/7/0/images/0").with(as(alice)))
			.andExpect(status().isOk())
			.andExpect(header().string("Content-Type", "image/png"))
			.andExpect(content().bytes(png));
		mvc.perform(get("/runs/" + id.value() + "/rollouts/7/1/images/0").with(onPage(alice)))
			.andExpect(status().isOk())
			.andExpect(content().bytes(png));
		mvc.perform(get(api + "/7/0/images/0").with(as(bob))).andExpect(status().isNotFound());
		// a text file and a missing file
		mvc.perform(get(api + "/7/1/images/1").with(as(alice))).andExpect(status().isNotFound());
		mvc.perform(get(api + "/7/1/images/2").with(as(alice))).andExpect(status().isNotFound());
		mvc.perform(get(api + "/7/1/images/3").with(as(alice))).andExpect(status().isNotFound());
		mvc.perform(get(api + "/7/9/images/0").with(as(alice))).andExpect(status().isNotFound());
	}

	@Test
	void aRunWithoutRolloutsAnswersAnEmptyGallery() throws Exception {
		CurrentUser alice = newUser(false);
		RunId id = queuedRun(alice);
		mvc.perform(get("/api/runs/" + id.value() + "/rollouts").with(as(alice)))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.steps").isEmpty())
			.andExpect(jsonPath("$.step").doesNotExist())
			.andExpect(jsonPath("$.samples").isEmpty());
	}

	@Autowired
	private RunRolloutStore rolloutStore;

	private List<RolloutSample> live(RunId id, int step) {
		return rolloutStore.samples(id.value(), step);
	}

	private List<String> eventTypes(RunId id) {
		return jdbc.sql("SELECT type FROM run_events WHERE run_id = ? ORDER BY seq").param(id.value()).query(String.class).list();
	}

	/** Puts the image where the dataset module keeps it: {@code <artifacts>/images/<sha[0:2]>/<sha[2:]>}. */
	String storeDatasetImage(byte[] png) throws Exception {
		String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(png));
		Path file = studio.artifactsDir().resolve("images").resolve(sha.substring(0, 2)).resolve(sha.substring(2));
		Files.createDirectories(file.getParent());
		Files.write(file, png);
		return sha;
	}

	static RolloutSampleRecord sample(String completion, double reward) {
		return new RolloutSampleRecord("Where is the circle?", List.of(), completion, Map.of("iou", reward), reward,
				reward - 0.5, List.of(), List.of());
	}

	private static RolloutSampleRecord withImage(String ref) {
		return new RolloutSampleRecord("p", List.of(ref), "c", Map.of(), 0, 0, List.of(), List.of());
	}

	private static void assertBadRequest(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String detail) {
		assertThatThrownBy(call).isInstanceOf(ApiProblem.class)
			.hasMessageContaining(detail)
			.satisfies(ex -> assertThat(((ApiProblem) ex).status()).isEqualTo(HttpStatus.BAD_REQUEST));
	}

}
