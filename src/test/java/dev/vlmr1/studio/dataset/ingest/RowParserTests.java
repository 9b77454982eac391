package dev.vlmr1.studio.dataset.ingest;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Row schema, task-type inference, path rules and UTF-8 checks, without Spring. */
class RowParserTests {

	private final RowParser parser = new RowParser(IngestLimits.defaults());

	private Object parse(String line) {
		byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
		return parser.parse("f.jsonl", 7, bytes, bytes.length);
	}

	private static String row(String answer) {
		return "{\"id\": \"k\", \"image\": \"a.png\", \"conversations\": [{\"from\": \"human\", \"value\": \"<image>q\"}, "
				+ "{\"from\": \"gpt\", \"value\": " + answer + "}]}";
	}

	@Test
	void taskTypesAreInferredFromTheSolutionShape() {
		assertThat(((ParsedRow) parse(row("\"[1.5, 2, 30, 40]\""))).taskType()).isEqualTo(TaskType.REC);
		assertThat(((ParsedRow) parse(row("\"<think>x</think><answer>[1, 2, 3, 4]</answer>\""))).boxes()).hasSize(1);
		ParsedRow ovd = (ParsedRow) parse(row("\"```json\\n[{\\\"bbox_2d\\\": [1, 2, 3, 4], \\\"label\\\": \\\"cat\\\"}]\\n```\""));
		assertThat(ovd.taskType()).isEqualTo(TaskType.OVD);
		assertThat(ovd.boxes()).hasSize(1);
		assertThat(((ParsedRow) parse(row("\"None\""))).taskType()).isEqualTo(TaskType.OVD);
		assertThat(((ParsedRow) parse(row("3"))).taskType()).isEqualTo(TaskType.COUNTING);
		assertThat(((ParsedRow) parse(row("3"))).solution()).isEqualTo("3");
		assertThat(((ParsedRow) parse(row("\"<answer>B</answer>\""))).taskType()).isEqualTo(TaskType.OTHER);
		assertThat(((ParsedRow) parse(row("\"[oops\""))).taskType()).isEqualTo(TaskType.OTHER);
	}

	@Test
	void badBoxesAndUnknownFieldsAreHandled() {
		assertThat(((Issue) parse(row("\"[1, 2, 3]\""))).code()).isEqualTo("invalid_box");
		assertThat(((Issue) parse(row("\"[-1, 2, 3, 4]\""))).code()).isEqualTo("invalid_box");
		Issue ovd = (Issue) parse(row("\"[{\\\"bbox_2d\\\": [5, 2, 3, 4], \\\"label\\\": \\\"x\\\"}]\""));
		assertThat(ovd.field()).isEqualTo("conversations[1].value[0].bbox_2d");
		ParsedRow extra = (ParsedRow) parse(row("\"a\"").replace("{\"id\"", "{\"source\": {\"n\": 1}, \"id\""));
		assertThat(extra.extraJson()).isEqualTo("{\"source\":{\"n\":1}}");
		assertThat(((Issue) parse(row("\"a\"") + " {}")).code()).isEqualTo("invalid_json");
		assertThat(((Issue) parse(row("\"a\"").replace("\"k\"", "1.5"))).code()).isEqualTo("wrong_type");
	}

	@Test
	void boxesWithNanOrInfinityAreInvalidBoxesNotAnotherTask() {
		// issue 11: these parsed as no JSON at all and so passed as OTHER rows with no box
		for (String box : List.of("[NaN, 2, 30, 40]", "[1, Infinity, 30, 40]", "[1, 2, -Infinity, 40]",
				"<answer>[1, 2, 30, +INF]</answer>", "```json\\n[0, 0, NaN, NaN]\\n```")) {
			Object parsed = parse(row("\"" + box + "\""));
			assertThat(parsed).as(box).isInstanceOf(Issue.class);
			assertThat(((Issue) parsed).code()).as(box).isEqualTo("invalid_box");
			assertThat(((Issue) parsed).message()).as(box).contains("finite");
		}
		Issue ovd = (Issue) parse(row("\"[{\\\"bbox_2d\\\": [1, 2, NaN, 4], \\\"label\\\": \\\"x\\\"}]\""));
		assertThat(ovd.code()).isEqualTo("invalid_box");
		assertThat(ovd.field()).isEqualTo("conversations[1].value[0].bbox_2d");
		// text that merely mentions NaN stays an ordinary answer
		assertThat(((ParsedRow) parse(row("\"NaN is not a number\""))).taskType()).isEqualTo(TaskType.OTHER);
	}

	@Test
	void pathRulesRejectEveryEscapeAndAcceptPlainRelativePaths() {
		assertThat(SafePaths.problem("images/000001.png", 1024)).isNull();
		for (String bad : new String[] { "", "../x", "a/../../x", "/etc/passwd", "file:///etc/passwd", "http://h/x.jpg",
				"C:\\x", "a\\b", "a\0b", "a//b", "./a", "x".repeat(1025) }) {
			assertThat(SafePaths.problem(bad, 1024)).as(bad).isNotNull();
		}
	}

	@Test
	void utf8ValidationRejectsOverlongSurrogatesAndTruncation() {
		assertThat(Utf8.firstInvalid("héllo €𝄞".getBytes(StandardCharsets.UTF_8), "héllo €𝄞".getBytes(StandardCharsets.UTF_8).length)).isEqualTo(-1);
		assertThat(Utf8.firstInvalid(new byte[] { 'a', (byte) 0xC0, (byte) 0x80 }, 3)).isEqualTo(1);
		assertThat(Utf8.firstInvalid(new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, 3)).isZero();
		assertThat(Utf8.firstInvalid(new byte[] { 'a', 'b', (byte) 0xE2, (byte) 0x82 }, 4)).isEqualTo(2);
		assertThat(Utf8.firstInvalid(new byte[] { (byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80 }, 4)).isZero();
	}

	@Test
	void groundTruthBoxesCarryOvdLabels() {
		assertThat(GroundTruth.boxes("[1, 2, 3, 4]")).singleElement().satisfies((b) -> assertThat(b.label()).isNull());
		assertThat(GroundTruth.boxes("[{\"bbox_2d\": [1, 2, 3, 4], \"label\": \"dog\"}]"))
			.extracting(GroundTruth.Box::label)
			.containsExactly("dog");
		assertThat(GroundTruth.boxes("free text")).isEmpty();
	}

	@Test
	void everyVlmr1AccuracyMethodIsAcceptedAndTheUnimplementedJudgeIsRefused() {
		for (String method : List.of("default", "mcq", "yes_no", "all_match", "math", "map", "weighted_sum", "od_ap",
				"od_ap50", "odLength")) {
			Object parsed = parse(row("\"a\"").replace("{\"id\"", "{\"accu_reward_method\": \"" + method + "\", \"id\""));
			assertThat(parsed).as(method).isInstanceOf(ParsedRow.class);
		}
		// llm (an LLM judge) is not implemented: refused, not silently scored by another function
		Object llm = parse(row("\"a\"").replace("{\"id\"", "{\"accu_reward_method\": \"llm\", \"id\""));
		assertThat(((Issue) llm).code()).isEqualTo("unknown_reward_method");
	}

}
