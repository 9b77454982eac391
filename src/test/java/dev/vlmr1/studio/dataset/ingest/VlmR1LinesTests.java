package dev.vlmr1.studio.dataset.ingest;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lines as VLM-R1 users have them are read the way VLM-R1's loader reads them: no {@code id}, more than one
 * exchange (InternVL-style REC files: the first one counts), and solutions given as JSON values, which VLM-R1 turns
 * into text with Python's {@code str()}. The expected texts are what {@code str(json.loads(value))} prints.
 */
class VlmR1LinesTests {

	private final RowParser parser = new RowParser(IngestLimits.defaults());

	private Object parse(String line) {
		byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
		return parser.parse("rec.jsonl", 3, bytes, bytes.length);
	}

	private ParsedRow row(String line) {
		Object parsed = parse(line);
		assertThat(parsed).as(line).isInstanceOf(ParsedRow.class);
		return (ParsedRow) parsed;
	}

	private ParsedRow withSolution(String json) {
		return row("{\"image\": \"a.png\", \"conversations\": [{\"from\": \"human\", \"value\": \"<image>Where?\"}, "
				+ "{\"from\": \"gpt\", \"value\": " + json + "}]}");
	}

	@Test
	void anInternVlStyleRecLineWithoutIdAndWithFourTurnsIsItsFirstExchange() {
		// the shape of InternVL's refcoco grounding files, which VLM-R1 users train on
		ParsedRow row = row("""
				{"image": "coco/train2014/COCO_train2014_000000580957.jpg", "width": 640, "height": 427, \
				"conversations": [{"from": "human", "value": "<image>\\nPlease provide the bounding box coordinate of \
				the region this sentence describes: <ref>bowl behind the others</ref>"}, \
				{"from": "gpt", "value": "[382, 0, 639, 111]"}, \
				{"from": "human", "value": "Please provide the bounding box coordinate of the region this sentence \
				describes: <ref>white bowl</ref>"}, {"from": "gpt", "value": "[2, 120, 250, 300]"}]}""");
		assertThat(row.key()).isNull();
		assertThat(row.question()).endsWith("<ref>bowl behind the others</ref>");
		assertThat(row.solution()).isEqualTo("[382, 0, 639, 111]");
		assertThat(row.taskType()).isEqualTo(TaskType.REC);
		assertThat(row.extraJson()).isEqualTo("{\"width\":640,\"height\":427}");
		assertThat(row.normalised()).containsExactlyInAnyOrder(Normalisation.ID_ABSENT,
				Normalisation.FIRST_EXCHANGE_ONLY);
	}

	@Test
	void aLineInTheDocumentedFormatIsNotNormalised() {
		ParsedRow row = row("{\"id\": 1, \"image\": \"a.png\", \"conversations\": [{\"from\": \"human\", \"value\": "
				+ "\"<image>Where?\"}, {\"from\": \"gpt\", \"value\": \"[1, 2, 30, 40]\"}]}");
		assertThat(row.key()).isEqualTo("1");
		assertThat(row.normalised()).isEmpty();
	}

	@Test
	void aJsonListSolutionIsPythonsStrOfIt() {
		ParsedRow box = withSolution("[16, 12.5, 48, 36]");
		assertThat(box.solution()).isEqualTo("[16, 12.5, 48, 36]");
		assertThat(box.taskType()).isEqualTo(TaskType.REC);
		assertThat(box.boxes().get(0)).containsExactly(16, 12.5, 48, 36);
		assertThat(box.normalised()).contains(Normalisation.SOLUTION_STRINGIFIED);
		// a list of dicts prints with single quotes: not JSON, as VLM-R1's rewards then see it
		ParsedRow ovd = withSolution("[{\"bbox_2d\": [1, 2, 30, 40], \"label\": \"red square\"}]");
		assertThat(ovd.solution()).isEqualTo("[{'bbox_2d': [1, 2, 30, 40], 'label': 'red square'}]");
		assertThat(ovd.taskType()).isEqualTo(TaskType.OTHER);
	}

	@Test
	void scalarsPrintAsPythonPrintsThem() {
		assertThat(withSolution("3").solution()).isEqualTo("3");
		assertThat(withSolution("3").taskType()).isEqualTo(TaskType.COUNTING);
		assertThat(withSolution("2.0").solution()).isEqualTo("2.0");
		assertThat(withSolution("1e5").solution()).isEqualTo("100000.0");
		assertThat(withSolution("1e16").solution()).isEqualTo("1e+16");
		assertThat(withSolution("0.00001").solution()).isEqualTo("1e-05");
		assertThat(withSolution("-0.5").solution()).isEqualTo("-0.5");
		assertThat(withSolution("123456789012345678901234567890").solution())
			.isEqualTo("123456789012345678901234567890");
		assertThat(withSolution("true").solution()).isEqualTo("True");
		assertThat(withSolution("null").solution()).isEqualTo("None");
		assertThat(withSolution("null").taskType()).as("None: OVD with nothing to find").isEqualTo(TaskType.OVD);
	}

	@Test
	void stringsInsideValuesAreQuotedAsPythonsReprQuotesThem() {
		assertThat(withSolution("{\"a\": [true, false, null], \"b\": {}}").solution())
			.isEqualTo("{'a': [True, False, None], 'b': {}}");
		assertThat(withSolution("[\"it's\"]").solution()).isEqualTo("[\"it's\"]");
		assertThat(withSolution("[\"say \\\"hi\\\" it's\"]").solution()).isEqualTo("['say \"hi\" it\\'s']");
		assertThat(withSolution("[\"a\\nb\\\\c\\t\"]").solution()).isEqualTo("['a\\nb\\\\c\\t']");
		assertThat(withSolution("[\"\\u0007 é 猫 \\u200b\"]").solution()).isEqualTo("['\\x07 é 猫 \\u200b']");
		assertThat(withSolution("[]").solution()).isEqualTo("[]");
	}

	@Test
	void whatVlmR1CannotReadEitherIsStillRefused() {
		String human = "{\"from\": \"human\", \"value\": \"<image>Where?\"}";
		Issue oneTurn = (Issue) parse("{\"image\": \"a.png\", \"conversations\": [" + human + "]}");
		assertThat(oneTurn.code()).isEqualTo("bad_conversation");
		Issue noValue = (Issue) parse(
				"{\"image\": \"a.png\", \"conversations\": [" + human + ", {\"from\": \"gpt\"}]}");
		assertThat(noValue.code()).isEqualTo("missing_field");
		assertThat(noValue.field()).isEqualTo("conversations[1].value");
		Issue swapped = (Issue) parse("{\"image\": \"a.png\", \"conversations\": [{\"from\": \"gpt\", \"value\": \"1\"}, "
				+ human + ", " + human + "]}");
		assertThat(swapped.code()).isEqualTo("bad_conversation");
	}

}
