package dev.vlmr1.studio.synth;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vlmr1.studio.synth.SyntheticDataset.Split;

import static org.assertj.core.api.Assertions.assertThat;

class SyntheticDatasetTests {

	@Test
	void sameSeedGivesTheSameSamples() {
		var a = new SyntheticDataset(7, 112, 112).generate(SynthTask.REC, Split.IN_DOMAIN, 10, "rec");
		var b = new SyntheticDataset(7, 112, 112).generate(SynthTask.REC, Split.IN_DOMAIN, 10, "rec");
		assertThat(a).extracting(SynthSample::question).isEqualTo(b.stream().map(SynthSample::question).toList());
		assertThat(a).extracting(SynthSample::solution).isEqualTo(b.stream().map(SynthSample::solution).toList());
	}

	@Test
	void inDomainNeverShowsAHeldOutCombinationAndOutOfDomainAlwaysAsksForOne() {
		var data = new SyntheticDataset(1, 112, 112);
		for (SynthSample s : data.generate(SynthTask.REC, Split.IN_DOMAIN, 40, "in")) {
			SyntheticDataset.HELD_OUT.forEach((combo) -> assertThat(s.question()).doesNotContain(combo));
		}
		var outOfDomain = data.generate(SynthTask.REC, Split.OUT_OF_DOMAIN, 40, "out");
		assertThat(outOfDomain).hasSize(40);
		for (SynthSample s : outOfDomain) {
			assertThat(SyntheticDataset.HELD_OUT.stream().anyMatch((c) -> s.question().contains(c))
					|| s.question().matches(".*the (circle|square|triangle)\\.$")).isTrue();
		}
	}

	@Test
	void everyReferringExpressionNamesExactlyOneObject() {
		var random = new Random(3);
		for (int i = 0; i < 200; i++) {
			var scene = ShapesScene.random(random, 112, 112, 4, (s, c) -> true);
			for (SceneObject target : scene.objects()) {
				var expression = ReferringExpressions.describe(target, scene.objects(), true);
				expression.ifPresent((e) -> assertThat(matching(e, scene.objects())).containsExactly(target));
			}
		}
	}

	@Test
	void writesVlmR1JsonlWithImagesBesideIt(@TempDir Path dir) throws Exception {
		var samples = new SyntheticDataset(5, 112, 112).generate(SynthTask.OVD, Split.IN_DOMAIN, 5, "ovd");
		Path jsonl = SyntheticDatasetWriter.write(samples, dir, "train");
		var lines = Files.readAllLines(jsonl);
		assertThat(lines).hasSize(5);
		var first = new ObjectMapper().readTree(lines.get(0));
		assertThat(first.get("image").asText()).isEqualTo("images/ovd-0.png");
		assertThat(dir.resolve("images/ovd-0.png")).exists();
		assertThat(first.at("/conversations/0/value").asText()).startsWith("<image>Please carefully check");
		String answer = first.at("/conversations/1/value").asText();
		assertThat(answer.equals("None") || answer.startsWith("[{\"bbox_2d\"")).isTrue();
	}

	@Test
	void countingAnswersMatchTheScene() {
		var samples = new SyntheticDataset(9, 112, 112).generate(SynthTask.COUNTING, Split.IN_DOMAIN, 20, "count");
		assertThat(samples).allSatisfy((s) -> {
			assertThat(Integer.parseInt(s.solution())).isBetween(0, 4);
			assertThat(s.accuRewardMethod()).isEqualTo("numeric");
		});
	}

	/** Objects a description can refer to, re-derived from the words, to check uniqueness independently. */
	private static List<SceneObject> matching(String expression, List<SceneObject> scene) {
		String head = expression.split(" (left of|right of|above|below) ")[0];
		return scene.stream().filter((o) -> {
			boolean shape = head.endsWith(o.shape().word());
			boolean colour = !head.matches(".*(red|green|blue|yellow|purple|orange).*") || head.contains(o.colour().word());
			boolean size = !head.matches(".*(large|small).*") || head.contains(o.large() ? "large" : "small");
			boolean relation = !expression.equals(head) && !relationHolds(expression, o, scene) ? false : true;
			return shape && colour && size && relation;
		}).toList();
	}

	private static boolean relationHolds(String expression, SceneObject o, List<SceneObject> scene) {
		for (String relation : List.of("left of", "right of", "above", "below")) {
			String marker = " " + relation + " the ";
			if (expression.contains(marker)) {
				String anchorLabel = expression.substring(expression.indexOf(marker) + marker.length());
				return scene.stream()
					.filter((a) -> a.label().equals(anchorLabel) && a != o)
					.anyMatch((a) -> ReferringExpressions.relation(o, a).equals(relation));
			}
		}
		return true;
	}

}
