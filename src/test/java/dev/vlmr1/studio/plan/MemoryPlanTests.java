package dev.vlmr1.studio.plan;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.model.NewModel;
import dev.vlmr1.studio.model.QwenVlConfig;
import dev.vlmr1.studio.model.QwenVlModel;
import dev.vlmr1.studio.model.TorchDtype;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The memory plan's arithmetic: parameter counts, what each setting costs, and the cheapest change that fits. */
class MemoryPlanTests {

	static final Path TINY = Path.of("src/test/resources/fixtures/qwen2_5_vl_tiny");

	static final Path QWEN2_TINY = Path.of("src/test/resources/fixtures/qwen2_vl_tiny");

	/** Qwen2.5-VL-3B-Instruct's configuration (text and vision as released). */
	static final String QWEN25_VL_3B = """
			{"model_type": "qwen2_5_vl", "hidden_size": 2048, "intermediate_size": 11008, "num_hidden_layers": 36,
			 "num_attention_heads": 16, "num_key_value_heads": 2, "vocab_size": 151936, "tie_word_embeddings": true,
			 "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "rope_scaling": {"type": "mrope", "mrope_section": [16, 24, 24]},
			 "vision_config": {"depth": 32, "hidden_size": 1280, "intermediate_size": 3420, "num_heads": 16,
			   "out_hidden_size": 2048, "patch_size": 14, "spatial_merge_size": 2, "temporal_patch_size": 2,
			   "window_size": 112, "fullatt_block_indexes": [7, 15, 23, 31], "in_channels": 3, "hidden_act": "silu"}}""";

	static ModelShape qwen3b() throws Exception {
		return new ModelShape(QwenVlConfig.fromJson(new ObjectMapper().readTree(QWEN25_VL_3B)), 12845056);
	}

	static Map<String, Object> hp(Object... pairs) {
		Map<String, Object> out = new LinkedHashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			out.put((String) pairs[i], pairs[i + 1]);
		}
		return out;
	}

	@Test
	void parametersAreCountedAsTheLoaderCreatesThem() {
		for (Path fixture : new Path[] { TINY, QWEN2_TINY }) {
			ModelShape shape = ModelShape.load(fixture);
			try (QwenVlModel model = QwenVlModel.load(fixture)) {
				assertThat(shape.parameters()).as(fixture.toString()).isEqualTo(NewModel.parameterCount(model));
				long vision = model.parameters().all().entrySet().stream()
					.filter((e) -> e.getKey().startsWith("visual."))
					.mapToLong((e) -> e.getValue().size())
					.sum();
				assertThat(shape.visionParameters()).isEqualTo(vision);
			}
		}
	}

	@Test
	void qwen25Vl3bHasItsPublishedSizeAndLoraOnSevenProjectionsPerLayer() throws Exception {
		ModelShape shape = qwen3b();
		assertThat(shape.parameters()).isEqualTo(3_754_622_976L);
		// r · (in + out) for q, k, v, o, gate, up, down: 16 · (4096 + 2304 + 2304 + 4096 + 3 · 13056) per layer
		assertThat(shape.loraParameters(16)).isEqualTo(16L * 51_968 * 36);
		// a 28 × 28 merge unit per image token: 12845056 pixels at most, as a square image
		assertThat(shape.imageTokens(12845056)).isEqualTo(16384);
		assertThat(shape.imageTokens(401408)).isEqualTo(512);
	}

	@Test
	void fullFineTuningCountsWeightsReferenceGradientsAndTwoMomentsPerParameter() throws Exception {
		ModelShape shape = qwen3b();
		long p = shape.parameters();
		MemoryEstimate grpo = MemoryPlanner.estimate(shape, RunShape.of("grpo", hp("beta", 0.04, "max_pixels", 401408)));
		assertThat(part(grpo, "weights")).isEqualTo(4 * p);
		assertThat(part(grpo, "reference")).isEqualTo(4 * p);
		assertThat(part(grpo, "gradients")).isEqualTo(4 * p);
		assertThat(part(grpo, "optimizer")).isEqualTo(8 * p);
		assertThat(grpo.trainableParameters()).isEqualTo(p);

		MemoryEstimate noKl = MemoryPlanner.estimate(shape, RunShape.of("grpo", hp("beta", 0.0, "max_pixels", 401408)));
		assertThat(noKl.parts()).extracting(MemoryEstimate.Part::name).doesNotContain("reference");

		MemoryEstimate frozen = MemoryPlanner.estimate(shape,
				RunShape.of("grpo", hp("beta", 0.0, "freeze_vision", true, "max_pixels", 401408)));
		assertThat(frozen.trainableParameters()).isEqualTo(p - shape.visionParameters());
	}

	/** One small image prompt, G = 2, 16 new tokens: the weights and their companions dominate. */
	static Map<String, Object> shortRun(Object... more) {
		Map<String, Object> run = hp("num_generations", 2, "per_device_train_batch_size", 2, "gradient_accumulation_steps",
				1, "beta", 0.04, "max_prompt_length", 64, "max_completion_length", 16, "max_pixels", 12544);
		run.putAll(hp(more));
		return run;
	}

	@Test
	void loraTrainsOnlyTheAdaptersAndHasNoReferenceCopy() throws Exception {
		ModelShape shape = qwen3b();
		MemoryEstimate lora = MemoryPlanner.estimate(shape, RunShape.of("grpo", shortRun("lora_r", 16)));
		MemoryEstimate full = MemoryPlanner.estimate(shape, RunShape.of("grpo", shortRun()));
		long adapters = shape.loraParameters(16);
		assertThat(lora.trainableParameters()).isEqualTo(adapters);
		assertThat(part(lora, "gradients")).isEqualTo(4 * adapters);
		assertThat(part(lora, "optimizer")).isEqualTo(8 * adapters);
		assertThat(lora.parts()).extracting(MemoryEstimate.Part::name).doesNotContain("reference");
		assertThat(persistent(lora)).isLessThan(persistent(full) / 4);
	}

	@Test
	void aFloat16BaseCountsItsMatricesAtTwoBytesAndItsNormsAndBiasesAtFour() throws Exception {
		for (Path fixture : new Path[] { TINY, QWEN2_TINY }) {
			try (QwenVlModel model = QwenVlModel.load(fixture, ai.djl.Device.cpu(), TorchDtype.FLOAT16)) {
				long bytes = model.parameters().all().values().stream()
					.mapToLong((p) -> p.size() * p.getDataType().getNumOfBytes())
					.sum();
				MemoryEstimate half = MemoryPlanner.estimate(ModelShape.load(fixture),
						RunShape.of("grpo", shortRun("lora_r", 8, "torch_dtype", "float16")));
				assertThat(part(half, "weights")).as(fixture + ": the bytes the loader allocates").isEqualTo(bytes);
			}
		}
		ModelShape shape = qwen3b();
		long full = part(MemoryPlanner.estimate(shape, RunShape.of("grpo", shortRun("lora_r", 16))), "weights");
		MemoryEstimate half = MemoryPlanner.estimate(shape, RunShape.of("grpo", shortRun("lora_r", 16, "torch_dtype",
				"float16")));
		assertThat(full).isEqualTo(4 * shape.parameters());
		assertThat(part(half, "weights")).isEqualTo(2 * shape.parameters() + 2 * shape.vectorParameters());
		assertThat(half.parts().get(0).detail()).contains("FP16");
		assertThat(part(half, "gradients")).as("adapters stay FP32").isEqualTo(4 * shape.loraParameters(16));
	}

	@Test
	void aLoraRunThatDoesNotFitIsOfferedAFloat16BaseWhenNothingElseFits() throws Exception {
		ModelShape shape = qwen3b();
		Map<String, Object> run = shortRun("lora_r", 16, "per_device_train_batch_size", 2, "max_completion_length", 8);
		long needed = MemoryPlan.of(shape, "grpo", run, MemoryBudget.gpu(1024 * ByteSize.GIB)).required();
		MemoryPlan plan = MemoryPlan.of(shape, "grpo", run, MemoryBudget.gpu(needed - 3 * ByteSize.GIB));
		assertThat(plan.fits()).isFalse();
		assertThat(plan.suggestion().change()).endsWith("torch_dtype=float16");
		assertThat(plan.suggestion().required()).isLessThan(needed - 3 * ByteSize.GIB);
	}

	@Test
	void activationsGrowWithTheBatchAndTheCompletionNotWithTheMicroBatches() throws Exception {
		ModelShape shape = qwen3b();
		Map<String, Object> base = hp("num_generations", 4, "per_device_train_batch_size", 4, "max_pixels", 401408,
				"max_prompt_length", 256, "max_completion_length", 128, "beta", 0.0);
		long one = part(MemoryPlanner.estimate(shape, RunShape.of("grpo", base)), "activations");
		base.put("per_device_train_batch_size", 8);
		assertThat(part(MemoryPlanner.estimate(shape, RunShape.of("grpo", base)), "activations")).isCloseTo(2 * one,
				within(one / 100));
		base.put("per_device_train_batch_size", 4);
		base.put("gradient_accumulation_steps", 2);
		// each micro-batch's activations are freed after its backward
		assertThat(part(MemoryPlanner.estimate(shape, RunShape.of("grpo", base)), "activations")).isEqualTo(one);
		base.put("gradient_accumulation_steps", 1);
		base.put("max_completion_length", 1024);
		assertThat(part(MemoryPlanner.estimate(shape, RunShape.of("grpo", base)), "activations")).isGreaterThan(2 * one);
	}

	@Test
	void gradientCheckpointingKeepsEachLayersInputInsteadOfItsActivations() throws Exception {
		ModelShape shape = qwen3b();
		// SFT: no rollout phase to peak instead
		Map<String, Object> run = hp("per_device_train_batch_size", 4, "max_pixels", 12544, "max_prompt_length", 512,
				"max_completion_length", 128, "lora_r", 16);
		MemoryEstimate plain = MemoryPlanner.estimate(shape, RunShape.of("sft", run));
		run.put("gradient_checkpointing", true);
		MemoryEstimate checkpointed = MemoryPlanner.estimate(shape, RunShape.of("sft", run));
		long layerInputs = 36L * 4 * (512 + 128) * 2048 * 4; // 36 layers × B × S × C in FP32
		assertThat(part(checkpointed, "activations")).isGreaterThan(layerInputs)
			.isLessThan(part(plain, "activations") / 4);
		assertThat(part(checkpointed, "backward")).as("one layer is recomputed at a time").isEqualTo(part(plain, "backward"));
		assertThat(part(checkpointed, "weights")).isEqualTo(part(plain, "weights"));
		assertThat(RunShape.READS).contains("gradient_checkpointing");
	}

	@Test
	void aRunThatDoesNotFitNamesTheNumbersAndLoraFirst() throws Exception {
		MemoryPlan plan = MemoryPlan.of(qwen3b(), "grpo", shortRun(), MemoryBudget.cpuWorker(32 * ByteSize.GIB, ByteSize.GIB));
		assertThat(plan.fits()).isFalse();
		assertThat(plan.required()).isGreaterThan(60 * ByteSize.GIB);
		assertThat(plan.suggestion()).isNotNull();
		assertThat(plan.suggestion().change()).isEqualTo("lora_r=16");
		assertThat(plan.suggestion().required()).isLessThan(32 * ByteSize.GIB);
		assertThat(plan.summary()).matches("needs about \\d+ GiB; a worker has 32 GiB; with lora_r=16 about \\d+(\\.\\d)? GiB");
	}

	@Test
	void whenNoChangeFitsAloneTheyAreCombinedInOrder() throws Exception {
		ModelShape shape = qwen3b();
		long loraAlone = MemoryPlan.of(shape, "grpo", shortRun("lora_r", 16), MemoryBudget.gpu(1024 * ByteSize.GIB)).required();
		MemoryPlan plan = MemoryPlan.of(shape, "grpo", shortRun("per_device_train_batch_size", 4),
				MemoryBudget.gpu(loraAlone));
		assertThat(plan.fits()).isFalse();
		assertThat(plan.suggestion().change()).isEqualTo("lora_r=16, per_device_train_batch_size=2");
		assertThat(plan.suggestion().required()).isLessThanOrEqualTo(loraAlone);
	}

	@Test
	void whenLoraIsAlreadyOnTheBatchAndThenTheCompletionShrink() throws Exception {
		ModelShape shape = qwen3b();
		Map<String, Object> run = hp("num_generations", 2, "per_device_train_batch_size", 8, "max_prompt_length", 512,
				"max_completion_length", 512, "max_pixels", 200704, "lora_r", 16);
		long needed = MemoryPlan.of(shape, "grpo", run, MemoryBudget.gpu(1024 * ByteSize.GIB)).required();
		long atBatch2 = MemoryPlan.of(shape, "grpo", with(run, "per_device_train_batch_size", 2),
				MemoryBudget.gpu(1024 * ByteSize.GIB)).required();
		MemoryPlan tight = MemoryPlan.of(shape, "grpo", run, MemoryBudget.gpu((needed + atBatch2) / 2));
		assertThat(tight.fits()).isFalse();
		assertThat(tight.suggestion().change()).startsWith("per_device_train_batch_size=");
		assertThat((Integer) tight.suggestion().values().get("per_device_train_batch_size")).isLessThan(8).isGreaterThanOrEqualTo(2);

		MemoryPlan cramped = MemoryPlan.of(shape, "grpo", with(run, "per_device_train_batch_size", 2),
				MemoryBudget.gpu(atBatch2 - 1));
		assertThat(cramped.suggestion().change()).startsWith("max_completion_length=");
	}

	@Test
	void nothingFitsOnAWorkerTooSmallForTheWeights() throws Exception {
		MemoryPlan plan = MemoryPlan.of(qwen3b(), "grpo", hp("num_generations", 2, "per_device_train_batch_size", 2,
				"max_pixels", 200704), MemoryBudget.cpuWorker(8 * ByteSize.GIB, ByteSize.GIB));
		assertThat(plan.fits()).isFalse();
		assertThat(plan.suggestion()).isNull();
		assertThat(plan.summary()).contains("a worker has 8.0 GiB").contains("needs a worker with more memory");
	}

	@Test
	void aGpuBudgetLeavesTheHeapOnTheHost() throws Exception {
		Map<String, Object> run = shortRun("lora_r", 16);
		MemoryPlan gpu = MemoryPlan.of(qwen3b(), "grpo", run, MemoryBudget.gpu(80 * ByteSize.GIB));
		MemoryPlan cpu = MemoryPlan.of(qwen3b(), "grpo", run, MemoryBudget.cpuWorker(80 * ByteSize.GIB, 8 * ByteSize.GIB));
		assertThat(gpu.fits()).isTrue();
		assertThat(cpu.required() - gpu.required())
			.isEqualTo(8 * ByteSize.GIB + MemoryBudget.CPU_RUNTIME_BYTES - MemoryBudget.CUDA_CONTEXT_BYTES);
		assertThat(gpu.summary()).contains("a GPU has 80 GiB");
	}

	@Test
	void anEvaluationNeedsNoGradientsNorOptimizer() throws Exception {
		MemoryEstimate eval = MemoryPlanner.estimate(qwen3b(), RunShape.of("eval", hp("eval_batch_size", 4)));
		assertThat(eval.phase()).isEqualTo("generation");
		assertThat(eval.trainableParameters()).isZero();
		assertThat(eval.parts()).extracting(MemoryEstimate.Part::name).containsExactly("weights", "kv cache", "prefill");
	}

	@Test
	void sizesParseAsTheJvmWritesThemAndPrintForPeople() {
		assertThat(ByteSize.parse("512m")).isEqualTo(512 * ByteSize.MIB);
		assertThat(ByteSize.parse("20g")).isEqualTo(20 * ByteSize.GIB);
		assertThat(ByteSize.parse("20GB")).isEqualTo(20 * ByteSize.GIB);
		assertThat(ByteSize.parse("4096")).isEqualTo(4096);
		assertThat(ByteSize.format(61 * ByteSize.GIB + 300 * ByteSize.MIB)).isEqualTo("61 GiB");
		assertThat(ByteSize.format(3 * ByteSize.GIB / 2)).isEqualTo("1.5 GiB");
		assertThat(ByteSize.format(850 * ByteSize.MIB)).isEqualTo("850 MiB");
		for (String bad : new String[] { "", "lots", "-1g", "0", "1.5g", "9999999999t" }) {
			assertThatThrownBy(() -> ByteSize.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
		}
		assertThatThrownBy(() -> new MemoryBudget("w", 0, 0)).isInstanceOf(IllegalArgumentException.class);
	}

	private static Map<String, Object> with(Map<String, Object> hp, String name, Object value) {
		Map<String, Object> out = new LinkedHashMap<>(hp);
		out.put(name, value);
		return out;
	}

	/** The parts that live through the whole run: weights and what training adds to each trainable parameter. */
	private static long persistent(MemoryEstimate estimate) {
		return estimate.parts().stream()
			.filter((p) -> List.of("weights", "adapters", "reference", "gradients", "optimizer").contains(p.name()))
			.mapToLong(MemoryEstimate.Part::bytes)
			.sum();
	}

	private static long part(MemoryEstimate estimate, String name) {
		return estimate.parts().stream().filter((p) -> p.name().equals(name)).mapToLong(MemoryEstimate.Part::bytes)
			.findFirst().orElseThrow(() -> new AssertionError("no part " + name + " in " + estimate.parts()));
	}

}
