package dev.vlmr1.studio.security;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.security.FuzzTarget.Slot;
import dev.vlmr1.studio.security.HostileValues.Hostile;
import dev.vlmr1.studio.web.StoredState;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Issue 11, class 8 as a property: whatever a client puts into any part of a request to any API endpoint, the
 * answer is never a 5xx, and a refused request (4xx) leaves no new row in any table and no new file under the data
 * directory. The endpoints are read from Spring MVC's handler mapping (a new endpoint is driven without being
 * listed here); each try puts one generated hostile value (string, number or raw JSON, see {@link HostileValues})
 * into one place of every endpoint's otherwise authorized request, sent with a real bearer token.
 *
 * <p>Each try draws from a {@link SplittableRandom} of its own seed, shown in the try's name and in its failure;
 * {@code -DApiPropertyTests.seed=<seed>} runs that one try again.
 *
 * <p>Plain Jupiter and a seeded generator, not jqwik: jqwik's author asks AI agents not to use it.
 */
@SpringBootTest
@AutoConfigureMockMvc
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Slow
class ApiPropertyTests {

	/** Tries of the property; each drives every API endpoint once (about 50 requests). */
	private static final int TRIES = 10;

	/** The system property that replays one try. */
	private static final String SEED = "ApiPropertyTests.seed";

	@Autowired
	MockMvc mvc;

	@Autowired
	ApplicationContext context;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	RequestMappingHandlerMapping mappings;

	StoredState stored;

	List<FuzzTarget> targets;

	/** How many requests answered each status, printed at the end: the property must reach past the 4xx checks. */
	private final Map<Integer, Integer> statuses = new TreeMap<>();

	@BeforeAll
	void findEndpoints() throws Exception {
		stored = new StoredState(context);
		targets = targets(mappings, new MatrixWorld(context, mvc, 1));
	}

	@TestFactory
	Stream<DynamicTest> noInputAnswers5xxAndARefusalStoresNothing() {
		return seeds().mapToObj(seed -> dynamicTest("seed " + seed, () -> tryWith(seed)));
	}

	@AfterAll
	void report() {
		System.out.println("ApiPropertyTests: " + targets.size() + " endpoints, answers by status " + statuses);
	}

	/** The given seed alone, or {@link #TRIES} fresh ones. */
	private static LongStream seeds() {
		String given = System.getProperty(SEED, "");
		if (!given.isBlank()) {
			return LongStream.of(Long.parseLong(given.trim()));
		}
		SplittableRandom seeds = new SplittableRandom();
		return LongStream.generate(seeds::nextLong).limit(TRIES);
	}

	/** One try: a slot number and a hostile value from {@code seed}, sent to every endpoint. */
	private void tryWith(long seed) {
		SplittableRandom random = new SplittableRandom(seed);
		int slot = random.nextInt(1_001);
		Hostile value = HostileValues.next(random);
		List<String> failures = new ArrayList<>();
		for (FuzzTarget target : targets) {
			List<Slot> slots = target.slots();
			Slot chosen = slots.get(Math.floorMod(slot, slots.size()));
			try {
				String failure = check(target, chosen, value);
				if (failure != null) {
					failures.add(failure);
				}
			}
			catch (Exception ex) {
				// MockMvc rethrows what no handler answered: a real server would have sent a 500
				failures.add(target + " with " + chosen + ": threw " + ex);
			}
		}
		assertThat(failures).as("seed %d (replay: -D%s=%d), value %s", seed, SEED, seed, value).isEmpty();
	}

	/** The failure of one request, or null: a 5xx, or a 4xx after which a row or file was added (twice). */
	private String check(FuzzTarget target, Slot slot, Hostile value) throws Exception {
		String what = target + " with " + slot;
		StoredState.Snapshot before = quiet();
		MockHttpServletResponse response = mvc.perform(target.request(slot, value, MatrixWorld.unique())).andReturn()
			.getResponse();
		int status = response.getStatus();
		statuses.merge(status, 1, Integer::sum);
		if (status >= 500) {
			return what + ": " + status + " " + snippet(response);
		}
		if (status < 400) {
			return null;
		}
		String added = before.added(stored.take());
		if (added.isEmpty()) {
			return null;
		}
		// something in the background (an experiment being prepared, an event listener) may have written: the same
		// request again, from a quiet state, must add nothing
		before = quiet();
		mvc.perform(target.request(slot, value, MatrixWorld.unique())).andReturn();
		added = before.added(stored.take());
		return added.isEmpty() ? null : what + ": " + status + " but stored " + added;
	}

	/** The stored state once no experiment is still being prepared in the background. */
	private StoredState.Snapshot quiet() {
		await().atMost(Duration.ofSeconds(60))
			.until(() -> jdbc.sql("SELECT count(*) FROM experiments WHERE state = 'PREPARING'").query(Long.class).single() == 0);
		return stored.take();
	}

	private static String snippet(MockHttpServletResponse response) throws Exception {
		String body = response.getContentAsString();
		return body.length() > 300 ? body.substring(0, 300) : body;
	}

	/** Every handler under {@code /api}, with its matrix entry's authorized request where there is one. */
	static List<FuzzTarget> targets(RequestMappingHandlerMapping mappings, MatrixWorld world) {
		Map<String, HandlerMethod> handlers = new LinkedHashMap<>();
		for (var mapping : mappings.getHandlerMethods().entrySet()) {
			for (String key : keys(mapping.getKey())) {
				if (key.contains(" /api/")) {
					handlers.merge(key, mapping.getValue(), (a, b) -> a);
				}
			}
		}
		List<FuzzTarget> targets = new ArrayList<>();
		handlers.forEach((key, handler) -> targets.add(target(key, handler, AuthorizationMatrix.find(key), world)));
		return targets;
	}

	private static Set<String> keys(RequestMappingInfo info) {
		Set<String> keys = new LinkedHashSet<>();
		var methods = info.getMethodsCondition().getMethods();
		for (var pattern : info.getPathPatternsCondition().getPatterns()) {
			if (methods.isEmpty()) {
				keys.add("ALL " + pattern.getPatternString());
			}
			methods.forEach(m -> keys.add(m.name() + " " + pattern.getPatternString()));
		}
		return keys;
	}

	private static FuzzTarget target(String key, HandlerMethod handler, MatrixEntry entry, MatrixWorld world) {
		String pattern = key.substring(key.indexOf(' ') + 1);
		TestUser caller = entry != null && entry.reach() == MatrixEntry.Reach.ADMIN_ONLY ? world.admin : world.alice;
		Map<String, Long> references = world.references(caller);
		long id = entry == null || entry.resource() == MatrixResource.NONE || entry.usesUp() ? MatrixWorld.MISSING
				: world.seeded(caller, entry.resource()).get(0);
		List<String> segments = List.of(pattern.substring(1).split("/"));
		String[] concrete = fill(entry == null ? pattern : entry.pathTemplate(), world, references, id).substring(1).split("/");
		Map<String, String> pathValues = new LinkedHashMap<>();
		for (int i = 0; i < segments.size(); i++) {
			if (segments.get(i).startsWith("{")) {
				String value = i < concrete.length && !concrete[i].startsWith("{") ? concrete[i] : Long.toString(id);
				pathValues.put(segments.get(i).substring(1, segments.get(i).length() - 1), value);
			}
		}
		Map<String, String> query = new LinkedHashMap<>();
		if (entry != null && !entry.queryString().isEmpty()) {
			for (String pair : fill(entry.queryString(), world, references, id).split("&")) {
				query.put(pair.split("=", 2)[0], pair.split("=", 2)[1]);
			}
		}
		Set<String> parameters = new LinkedHashSet<>();
		Set<String> headers = new LinkedHashSet<>(List.of("Idempotency-Key", "Last-Event-ID", "If-Match"));
		boolean upload = entry != null && entry.isUpload();
		for (var parameter : handler.getMethodParameters()) {
			RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
			if (param != null && !MultipartFile.class.isAssignableFrom(parameter.getParameterType())
					&& !Map.class.isAssignableFrom(parameter.getParameterType())) {
				parameters.add(param.name().isEmpty() ? param.value().isEmpty() ? parameter.getParameterName() : param.value()
						: param.name());
			}
			RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
			if (header != null) {
				headers.add(header.name().isEmpty() ? header.value() : header.name());
			}
		}
		if (upload) {
			parameters.addAll(List.of("name", "mode", "max_invalid", "upload_id"));
		}
		if (pattern.equals("/api/runs") || pattern.endsWith("/samples") || pattern.endsWith("/eval-results")) {
			parameters.addAll(List.of("page", "size"));
		}
		String json = entry == null || entry.jsonTemplate() == null ? null
				: fill(entry.jsonTemplate(), world, references, id);
		Map<String, Object> keptInvalid = switch (key) {
			case "POST /api/models/tiny" -> Map.of("name", "", "seed", -1);
			case "POST /api/experiments" -> Map.of("seed", -1, "armSteps", 0);
			default -> Map.of();
		};
		return new FuzzTarget(key, segments, pathValues, query,
				parameters, headers, json, upload, caller.bearer(), keptInvalid);
	}

	private static String fill(String template, MatrixWorld world, Map<String, Long> references, long id) {
		String filled = template.replace("${unique}", MatrixWorld.unique())
			.replace("${image}", MatrixDatasets.IMAGE_SHA256)
			.replace("${checkpoint}", world.checkpoint.toString())
			.replace("{id}", Long.toString(id));
		for (var reference : references.entrySet()) {
			filled = filled.replace("${" + reference.getKey() + "}", Long.toString(reference.getValue()));
		}
		return filled;
	}

}
