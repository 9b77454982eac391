package dev.vlmr1.studio.dataset.ingest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Parses and checks one jsonl line against DATA.md's schema. A line yields either a {@link ParsedRow} or
 * exactly one {@link Issue} (the first problem found), so every invalid line appears once in the report.
 *
 * <p>Lines are read as VLM-R1's loader reads them where it is lenient (see {@link Normalisation}): {@code id} may be
 * absent, only the first human/gpt exchange of a longer conversation is used, and a solution given as a JSON value
 * is Python's {@code str()} of it.
 *
 * <p>Decided behaviours (T3.7): duplicate keys reject the line ({@code duplicate_key}); nesting deeper than
 * {@code maxNestingDepth} gives {@code nesting_too_deep}; a number literal longer than
 * {@code maxNumberLength} gives {@code number_too_long}; text after the object gives {@code invalid_json}.
 */
final class RowParser {

	/** VLM-R1's accuracy method names plus REWARDS.md's function names. */
	static final Set<String> REWARD_METHODS = Set.of("default", "mcq", "yes_no", "all_match", "math", "map",
			"weighted_sum", "od_ap", "od_ap50", "odLength", "od_length", "od_weighted", "iou", "iou_threshold", "exact",
			"numeric", "choice", "fuzzy");

	private static final Set<String> KNOWN_FIELDS = Set.of("id", "image", "conversations", "accu_reward_method");

	private final JsonMapper json;

	private final IngestLimits limits;

	/** A reader bound to JsonNode: it resolves its deserializer once instead of on every line. */
	private final ObjectReader treeReader;

	RowParser(IngestLimits limits) {
		this.limits = limits;
		JsonFactory factory = JsonFactory.builder()
			.streamReadConstraints(StreamReadConstraints.builder()
				.maxNestingDepth(limits.maxNestingDepth())
				.maxNumberLength(limits.maxNumberLength())
				.maxStringLength(limits.maxLineBytes())
				.build())
			.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
			.build();
		this.json = JsonMapper.builder(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
		this.treeReader = json.readerFor(JsonNode.class);
	}

	/** The row, or the line's single issue. */
	Object parse(String file, int line, byte[] bytes, int length) {
		JsonNode root;
		try {
			root = treeReader.readTree(bytes, 0, length);
		}
		catch (StreamConstraintsException ex) {
			boolean depth = ex.getOriginalMessage().toLowerCase().contains("depth");
			return Issue.of(file, line, "", depth ? IssueCode.NESTING_TOO_DEEP : IssueCode.NUMBER_TOO_LONG,
					depth ? "JSON nested deeper than " + limits.maxNestingDepth() + " levels"
							: "JSON number longer than " + limits.maxNumberLength() + " digits");
		}
		catch (JacksonException ex) {
			String message = ex.getOriginalMessage();
			if (message.startsWith("Duplicate")) {
				return Issue.of(file, line, "", IssueCode.DUPLICATE_KEY, message);
			}
			return Issue.of(file, line, "", IssueCode.INVALID_JSON, "invalid JSON: " + message);
		}
		if (!(root instanceof ObjectNode object)) {
			return Issue.of(file, line, "", IssueCode.NOT_AN_OBJECT, "the line is not a JSON object");
		}
		return new RowCheck(file, line, object).check();
	}

	JsonMapper json() {
		return json;
	}

	/** The schema checks of one row; the first failing check ends them. */
	private final class RowCheck {

		private final String file;

		private final int line;

		private final ObjectNode row;

		RowCheck(String file, int line, ObjectNode row) {
			this.file = file;
			this.line = line;
			this.row = row;
		}

		Object check() {
			Set<Normalisation> normalised = EnumSet.noneOf(Normalisation.class);
			JsonNode id = row.get("id");
			if (id == null || id.isNull()) {
				normalised.add(Normalisation.ID_ABSENT);
			}
			else if (!(id.isString() || id.isIntegralNumber())) {
				return issue("id", IssueCode.WRONG_TYPE, "id must be a string or an integer");
			}
			List<String> images = new ArrayList<>();
			JsonNode image = row.get("image");
			if (image != null && !image.isNull()) {
				List<JsonNode> items = image.isArray() ? image.valueStream().toList() : List.of(image);
				for (int i = 0; i < items.size(); i++) {
					String field = image.isArray() ? "image[" + i + "]" : "image";
					if (!items.get(i).isString()) {
						return issue(field, IssueCode.WRONG_TYPE, "image paths must be strings");
					}
					String path = items.get(i).asString();
					String problem = SafePaths.problem(path, limits.maxPathLength());
					if (problem != null) {
						return issue(field, IssueCode.UNSAFE_PATH, problem);
					}
					images.add(path);
				}
			}
			JsonNode conversations = row.get("conversations");
			if (conversations == null) {
				return issue("conversations", IssueCode.MISSING_FIELD, "conversations is required");
			}
			if (!conversations.isArray() || conversations.size() < 2) {
				return issue("conversations", IssueCode.BAD_CONVERSATION,
						"conversations must be a list of at least two turns (human, gpt)");
			}
			if (conversations.size() > 2) {
				normalised.add(Normalisation.FIRST_EXCHANGE_ONLY);
			}
			JsonNode human = conversations.get(0);
			JsonNode gpt = conversations.get(1);
			if (!human.path("from").isString() || !human.path("from").asString().equals("human")) {
				return issue("conversations[0].from", IssueCode.BAD_CONVERSATION, "the first turn must be from human");
			}
			if (!gpt.path("from").isString() || !gpt.path("from").asString().equals("gpt")) {
				return issue("conversations[1].from", IssueCode.BAD_CONVERSATION, "the second turn must be from gpt");
			}
			if (!human.path("value").isString()) {
				return issue("conversations[0].value", IssueCode.WRONG_TYPE, "the question must be a string");
			}
			JsonNode answer = gpt.get("value");
			if (answer == null) {
				return issue("conversations[1].value", IssueCode.MISSING_FIELD, "the gpt turn has no value");
			}
			if (!answer.isString()) {
				normalised.add(Normalisation.SOLUTION_STRINGIFIED);
			}
			String question = human.get("value").asString();
			String solution = PythonStr.of(answer);
			int markers = countMarkers(question);
			if (markers != images.size() && !(markers == 0 && !images.isEmpty())) {
				return issue("conversations[0].value", IssueCode.IMAGE_MARKER_MISMATCH,
						markers + " <image> marker(s) for " + images.size() + " image(s)");
			}
			if (question.indexOf('\0') >= 0 || solution.indexOf('\0') >= 0) {
				return issue("conversations", IssueCode.WRONG_TYPE, "NUL characters (\\u0000) are not allowed in text");
			}
			String method = null;
			JsonNode methodNode = row.get("accu_reward_method");
			if (methodNode != null && !methodNode.isNull()) {
				if (!methodNode.isString() || !REWARD_METHODS.contains(methodNode.asString())) {
					return issue("accu_reward_method", IssueCode.UNKNOWN_REWARD_METHOD,
							"unknown accu_reward_method " + methodNode + "; known: " + String.join(", ", REWARD_METHODS.stream().sorted().toList()));
				}
				method = methodNode.asString();
			}
			SolutionShape.Shape shape = SolutionShape.of(solution, json);
			if (shape.problem() != null) {
				return issue("conversations[1].value" + shape.field(), IssueCode.INVALID_BOX, shape.problem());
			}
			String extraJson = "{}";
			if (row.size() > countKnown(row)) {
				ObjectNode extra = json.createObjectNode();
				for (Map.Entry<String, JsonNode> field : row.properties()) {
					if (!KNOWN_FIELDS.contains(field.getKey())) {
						extra.set(field.getKey(), field.getValue());
					}
				}
				extraJson = json.writeValueAsString(extra);
			}
			String key = id == null || id.isNull() ? null : id.asString();
			if (extraJson.contains("\\u0000") || (key != null && key.indexOf('\0') >= 0)) {
				return issue("", IssueCode.WRONG_TYPE, "NUL characters (\\u0000) are not allowed in text");
			}
			return new ParsedRow(line, key, images, question, solution, shape.type(), method, extraJson,
					shape.boxes(), normalised.isEmpty() ? Set.of() : Collections.unmodifiableSet(normalised));
		}

		private Issue issue(String field, IssueCode code, String message) {
			return Issue.of(file, line, field, code, message);
		}

	}

	private static int countKnown(ObjectNode row) {
		int known = 0;
		for (String field : KNOWN_FIELDS) {
			if (row.has(field)) {
				known++;
			}
		}
		return known;
	}

	static int countMarkers(String question) {
		int count = 0;
		int at = question.indexOf("<image>");
		while (at >= 0) {
			count++;
			at = question.indexOf("<image>", at + 7);
		}
		return count;
	}

}
