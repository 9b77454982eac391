package dev.vlmr1.studio.demoproject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.vlmr1.studio.experiment.ExperimentPlan;
import dev.vlmr1.studio.experiment.ExperimentSplits;
import dev.vlmr1.studio.synth.SyntheticDatasetWriter;

/**
 * The experiment's synthetic splits as VLM-R1 jsonl files for upload, drawn exactly as {@code RlVsSftExperiment}
 * draws them (same split names, seeds and id prefixes), so the platform and the command train and test on the same
 * samples: {@code pretrain} and {@code train} (in-domain), and one test file holding {@code test_id} (in-domain) then
 * {@code test_ood} (out-of-domain), each row marked {@code "split": "in_domain"} or {@code "out_of_domain"}.
 */
final class ExperimentData {

	static final String IN_DOMAIN = "in_domain";

	static final String OUT_OF_DOMAIN = "out_of_domain";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ExperimentPlan plan;

	private final Path dir;

	ExperimentData(ExperimentPlan plan, Path dir) {
		this.plan = plan;
		this.dir = dir;
	}

	/** Writes {@code <dir>/<name>/<name>.jsonl} with its images; returns the jsonl. */
	Path write(String name) {
		return SyntheticDatasetWriter.write(ExperimentSplits.draw(plan, name), dir.resolve(name), name);
	}

	/** Writes {@code <dir>/test/test.jsonl}: both test splits, each row with its {@code split} field. */
	Path writeTest() {
		Path folder = dir.resolve("test");
		Path inDomain = SyntheticDatasetWriter.write(ExperimentSplits.draw(plan, ExperimentSplits.TEST_IN_DOMAIN), folder,
				ExperimentSplits.TEST_IN_DOMAIN);
		Path outOfDomain = SyntheticDatasetWriter.write(ExperimentSplits.draw(plan, ExperimentSplits.TEST_OUT_OF_DOMAIN),
				folder, ExperimentSplits.TEST_OUT_OF_DOMAIN);
		Path test = folder.resolve("test.jsonl");
		try (Writer out = Files.newBufferedWriter(test, StandardCharsets.UTF_8)) {
			mark(inDomain, IN_DOMAIN, out);
			mark(outOfDomain, OUT_OF_DOMAIN, out);
			Files.delete(inDomain);
			Files.delete(outOfDomain);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return test;
	}

	private static void mark(Path jsonl, String split, Writer out) throws IOException {
		for (String line : Files.readAllLines(jsonl, StandardCharsets.UTF_8)) {
			ObjectNode row = (ObjectNode) JSON.readTree(line);
			row.put("split", split);
			out.write(JSON.writeValueAsString(row));
			out.write('\n');
		}
	}

}
