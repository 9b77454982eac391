package dev.vlmr1.studio.security;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.request.AbstractMockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMultipartHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.springframework.web.util.UriUtils;

import dev.vlmr1.studio.security.HostileValues.Hostile;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;

/**
 * One API endpoint as the property test drives it: an authorized, well-formed request (the matrix entry's, with
 * the caller's own resources) and the places a hostile value can go into it, its {@link Slot}s: each path
 * variable, each query parameter and application header the handler reads, each top-level field of its JSON body
 * (plus an unknown one), the whole body, and for uploads each form field, the image's file name and the jsonl.
 */
final class FuzzTarget {

	/** Where in the request a hostile value goes. */
	enum Kind {

		PATH, QUERY, HEADER, FIELD, BODY, UPLOAD_FIELD, FILE_NAME, JSONL

	}

	record Slot(Kind kind, String name) {

		@Override
		public String toString() {
			return kind + " " + name;
		}

	}

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String LINE = "{\"id\": 1, \"image\": \"a.png\", \"conversations\": ["
			+ "{\"from\": \"human\", \"value\": \"<image>Please provide the bounding box of the red square.\"}, "
			+ "{\"from\": \"gpt\", \"value\": \"[16, 12, 48, 36]\"}]}\n";

	final String key;

	private final HttpMethod method;

	/** The path's segments: literal ones, and {@code {name}} for variables. */
	private final List<String> segments;

	private final Map<String, String> pathValues;

	private final Map<String, String> query;

	private final Set<String> parameters;

	private final Set<String> headers;

	private final @Nullable Map<String, Object> body;

	private final boolean upload;

	private final String bearer;

	/**
	 * Two fields kept invalid in every request (the fuzzed one aside): the endpoint's success costs seconds (a tiny
	 * model, an experiment), so each of its requests is kept to a refusal.
	 */
	private final Map<String, Object> keptInvalid;

	FuzzTarget(String key, List<String> segments, Map<String, String> pathValues, Map<String, String> query,
			Set<String> parameters, Set<String> headers, @Nullable String json, boolean upload, String bearer,
			Map<String, Object> keptInvalid) {
		this.key = key;
		this.method = HttpMethod.valueOf(key.substring(0, key.indexOf(' ')).replace("ALL", "GET"));
		this.segments = segments;
		this.pathValues = pathValues;
		this.query = query;
		this.parameters = parameters;
		this.headers = headers;
		this.body = json == null ? null : JSON.readValue(json, LinkedHashMap.class);
		this.upload = upload;
		this.bearer = bearer;
		this.keptInvalid = keptInvalid;
	}

	List<Slot> slots() {
		List<Slot> slots = new ArrayList<>();
		pathValues.keySet().forEach(v -> slots.add(new Slot(Kind.PATH, v)));
		Set<String> queryNames = new LinkedHashSet<>(query.keySet());
		queryNames.addAll(parameters);
		queryNames.forEach(p -> slots.add(new Slot(upload ? Kind.UPLOAD_FIELD : Kind.QUERY, p)));
		headers.forEach(h -> slots.add(new Slot(Kind.HEADER, h)));
		if (body != null) {
			body.keySet().forEach(f -> slots.add(new Slot(Kind.FIELD, f)));
			slots.add(new Slot(Kind.FIELD, "unexpected"));
			slots.add(new Slot(Kind.BODY, "whole"));
		}
		if (upload) {
			slots.add(new Slot(Kind.FILE_NAME, "images"));
			slots.add(new Slot(Kind.JSONL, "jsonl"));
		}
		return slots;
	}

	/** The endpoint's authorized request with {@code value} in {@code slot}. */
	AbstractMockHttpServletRequestBuilder<?> request(Slot slot, Hostile value, String unique) {
		StringBuilder path = new StringBuilder();
		for (String segment : segments) {
			String variable = segment.startsWith("{") ? segment.substring(1, segment.length() - 1) : null;
			String text = variable == null ? segment
					: slot.kind() == Kind.PATH && slot.name().equals(variable) ? value.text() : pathValues.get(variable);
			path.append('/').append(UriUtils.encodePathSegment(text, StandardCharsets.UTF_8));
		}
		Map<String, String> params = new LinkedHashMap<>(query);
		if (upload) {
			params.putAll(Map.of("name", "fuzz-" + unique, "mode", "strict"));
		}
		if (slot.kind() == Kind.QUERY || slot.kind() == Kind.UPLOAD_FIELD) {
			params.put(slot.name(), value.text());
		}
		AbstractMockHttpServletRequestBuilder<?> request = upload ? upload(path.toString(), slot, value)
				: MockMvcRequestBuilders.request(method, URI.create(path.toString()));
		params.forEach(request::param);
		if (slot.kind() == Kind.HEADER) {
			request.header(slot.name(), value.text());
		}
		if (body != null) {
			request.contentType(MediaType.APPLICATION_JSON).content(body(slot, value));
		}
		return request.header("Authorization", bearer);
	}

	private MockMultipartHttpServletRequestBuilder upload(String path, Slot slot, Hostile value) {
		MockMultipartHttpServletRequestBuilder request = multipart(URI.create(path));
		String jsonl = slot.kind() == Kind.JSONL ? value.text() : LINE;
		request.file(new MockMultipartFile("jsonl", "rec.jsonl", "application/x-ndjson",
				jsonl.getBytes(StandardCharsets.UTF_8)));
		request.file(new MockMultipartFile("images", slot.kind() == Kind.FILE_NAME ? value.text() : "a.png", "image/png",
				MatrixDatasets.PNG));
		return request;
	}

	private String body(Slot slot, Hostile value) {
		if (slot.kind() == Kind.BODY) {
			return value.json();
		}
		Map<String, Object> fields = new LinkedHashMap<>(body);
		// both stay invalid, so fuzzing one of them still leaves the other
		fields.putAll(keptInvalid);
		StringBuilder json = new StringBuilder("{");
		boolean fuzzed = false;
		for (var field : fields.entrySet()) {
			boolean here = slot.kind() == Kind.FIELD && slot.name().equals(field.getKey());
			fuzzed |= here;
			json.append(json.length() > 1 ? ", " : "").append(HostileValues.quoted(field.getKey())).append(": ")
				.append(here ? value.json() : JSON.writeValueAsString(field.getValue()));
		}
		if (slot.kind() == Kind.FIELD && !fuzzed) {
			json.append(json.length() > 1 ? ", " : "").append(HostileValues.quoted(slot.name())).append(": ").append(value.json());
		}
		return json.append('}').toString();
	}

	@Override
	public String toString() {
		return key;
	}

}
