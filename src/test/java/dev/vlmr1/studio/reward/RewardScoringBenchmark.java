package dev.vlmr1.studio.reward;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * How long the reward phase of one GRPO step takes on the CPU: the REC and OVD presets on 128 completions (16
 * prompts × G = 8, VLM-R1's batch), against a bound measured in the same run: Jackson merely parsing the same
 * answers as JSON. Run with {@code mvn -Dskip.frontend test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.vlmr1.studio.reward.RewardScoringBenchmark}.
 */
public final class RewardScoringBenchmark {

	private static final int N = 128;

	public static void main(String[] args) throws Exception {
		SampleImage image = new SampleImage(1000, 500, 1, 20, 40);
		List<Completion> rec = new ArrayList<>();
		List<Completion> ovd = new ArrayList<>();
		List<RewardSample> recSamples = new ArrayList<>();
		List<RewardSample> ovdSamples = new ArrayList<>();
		List<String> answers = new ArrayList<>();
		StringBuilder truth = new StringBuilder("[");
		for (int d = 0; d < 10; d++) {
			truth.append(d == 0 ? "" : ", ").append(detection(d * 50, "obj" + (d % 3)));
		}
		truth.append(']');
		for (int i = 0; i < N; i++) {
			rec.add(new Completion("<think>" + "reasoning ".repeat(40) + "</think><answer>{\"bbox_2d\": [" + (50 + i % 9)
					+ ", 28, 280, 140], \"label\": \"cat\"}</answer>", 120));
			recSamples.add(RewardSample.of("the cat", "[100, 50, 500, 250]").withImage(image));
			StringBuilder pred = new StringBuilder("[");
			for (int d = 0; d < 10; d++) {
				pred.append(d == 0 ? "" : ", ").append(detection(d * 50 + i % 7, "obj" + (d % 3)));
			}
			String answer = pred.append(']').toString();
			answers.add(answer);
			ovd.add(new Completion("<think>looking</think><answer>```json\n" + answer + "\n```</answer>", 200));
			ovdSamples.add(RewardSample.of("detect", truth.toString()).withImage(image));
		}
		RewardConfiguration recConfig = RewardConfiguration.of(RewardPresets.get(RewardPresets.REC).orElseThrow());
		RewardConfiguration ovdConfig = RewardConfiguration.of(RewardPresets.get(RewardPresets.OVD).orElseThrow());
		ObjectMapper json = new ObjectMapper();
		double recNs = 0;
		double ovdNs = 0;
		double jsonNs = 0;
		for (int round = 0; round < 30; round++) {
			// the first 10 rounds warm the JIT up and are not counted
			long t0 = System.nanoTime();
			recConfig.score(rec, recSamples);
			long t1 = System.nanoTime();
			ovdConfig.score(ovd, ovdSamples);
			long t2 = System.nanoTime();
			for (String a : answers) {
				json.readTree(a);
			}
			long t3 = System.nanoTime();
			if (round >= 10) {
				recNs += t1 - t0;
				ovdNs += t2 - t1;
				jsonNs += t3 - t2;
			}
		}
		System.out.printf("REC preset: %.1f µs per completion, %.2f ms per %d-completion step%n", recNs / 20 / N / 1e3,
				recNs / 20 / 1e6, N);
		System.out.printf("OVD preset (10 boxes): %.1f µs per completion, %.2f ms per step%n", ovdNs / 20 / N / 1e3,
				ovdNs / 20 / 1e6);
		System.out.printf("bound: Jackson parse of the OVD answers alone %.1f µs per completion%n",
				jsonNs / 20 / N / 1e3);
		System.out.printf("ratio OVD scoring / JSON parse: %.2f, REC scoring / JSON parse: %.2f%n", ovdNs / jsonNs,
				recNs / jsonNs);
	}

	private static String detection(int x, String label) {
		return "{\"bbox_2d\": [" + x + ", " + x + ", " + (x + 40) + ", " + (x + 40) + "], \"label\": \"" + label + "\"}";
	}

}
