package dev.vlmr1.studio.compare;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** CSV cells: RFC 4180 quoting and spreadsheet formula-injection protection (RELIABILITY.md T3.9). */
class CsvWriterTests {

	@Test
	void cellsAStreadsheetWouldEvaluateStartWithAQuote() {
		assertThat(CsvWriter.escape("=HYPERLINK(\"http://x\")")).isEqualTo("\"'=HYPERLINK(\"\"http://x\"\")\"");
		assertThat(CsvWriter.escape("@SUM(1)")).isEqualTo("'@SUM(1)");
		assertThat(CsvWriter.escape("+1")).isEqualTo("'+1");
		assertThat(CsvWriter.escape("-1")).isEqualTo("'-1");
		assertThat(CsvWriter.escape("\tcmd")).isEqualTo("'\tcmd");
		// a leading CR is neutralised and, being a line break, quoted
		assertThat(CsvWriter.escape("\r=1")).isEqualTo("\"'\r=1\"");
	}

	@Test
	void harmlessTextIsWrittenAsIs() {
		assertThat(CsvWriter.escape("reward")).isEqualTo("reward");
		assertThat(CsvWriter.escape("eval/rec_accuracy")).isEqualTo("eval/rec_accuracy");
		assertThat(CsvWriter.escape("a=b")).isEqualTo("a=b");
		assertThat(CsvWriter.escape(" =1")).isEqualTo(" =1");
		assertThat(CsvWriter.escape("")).isEmpty();
		assertThat(CsvWriter.escape(null)).isEmpty();
	}

	@Test
	void commasQuotesAndLineBreaksAreQuoted() {
		assertThat(CsvWriter.escape("tiny, \"v2\"")).isEqualTo("\"tiny, \"\"v2\"\"\"");
		assertThat(CsvWriter.escape("two\nlines")).isEqualTo("\"two\nlines\"");
		assertThat(CsvWriter.escape("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
	}

	@Test
	void numbersAreNeverPrefixedAndRowsEndWithCrLf() {
		String csv = new CsvWriter().row(List.of("a", "b,c"))
			.number(-0.25)
			.number(null)
			.text("-1")
			.number(Double.NaN)
			.number(3)
			.endRow()
			.toString();
		assertThat(csv).isEqualTo("a,\"b,c\"\r\n-0.25,,'-1,NaN,3\r\n");
	}

}
