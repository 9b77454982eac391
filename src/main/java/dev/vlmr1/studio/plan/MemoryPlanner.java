package dev.vlmr1.studio.plan;

import java.util.ArrayList;
import java.util.List;

import dev.vlmr1.studio.model.TextConfig;
import dev.vlmr1.studio.model.TorchDtype;
import dev.vlmr1.studio.model.VisionConfig;

/**
 * Estimates a run's peak tensor memory from the model's shape and the run's hyperparameters, following what the
 * trainers hold (train/GrpoTrainer, SftTrainer, RolloutCollector):
 * <ul>
 * <li>weights (FP32, or with {@code torch_dtype float16} the frozen base's matrices at 2 bytes), a second copy for the KL reference when β &gt; 0 in full
 * fine-tuning (with LoRA the reference is the base with the adapters off: no copy);</li>
 * <li>gradients of the trainable parameters (all, all but the vision tower with {@code freeze_vision}, or the LoRA
 * adapters: r·(in + out) per adapted linear) and AdamW's two FP32 moments per trainable parameter;</li>
 * <li>activations: every operation's output of the policy's forward stays alive until that micro-batch's backward is
 * done (one micro-batch at a time); the reference's and old policy's log-prob forwards run at rollout time and their
 * outputs stay with the rollouts, so a step holds those of each micro-batch; plus what the backward pass allocates for
 * one layer and the logits. With {@code gradient_checkpointing} the policy's forward keeps only each decoder layer's
 * input (B·S·C) instead of its activations, and backward recomputes one layer at a time;</li>
 * <li>the rollout's KV cache and the prefill's activations while sampling a micro-batch's completions.</li>
 * </ul>
 * The per-operation counts mirror the model code (model/text, model/vision); they are checked against measured
 * peak memory by {@code MemoryPlanMeasurementTests}.
 */
public final class MemoryPlanner {

	/** Bytes of an FP32 value: weights, gradients, moments and activations are FP32 in the worker today. */
	static final long FLOAT = 4;

	private MemoryPlanner() {
	}

	public static MemoryEstimate estimate(ModelShape model, RunShape run) {
		long imageTokens = model.imageTokens(run.maxPixels());
		long prompt = Math.max(run.promptLength(), imageTokens);
		long sequence = prompt + run.completionLength();
		long parameters = model.parameters();
		long trainable = !run.trains() ? 0
				: run.lora() ? model.loraParameters(run.loraRank())
						: run.freezeVision() ? parameters - model.visionParameters() : parameters;
		List<MemoryEstimate.Part> persistent = new ArrayList<>();
		persistent.add(weights(model, run));
		if (run.trains() && run.lora()) {
			persistent.add(part("adapters", trainable * FLOAT, "LoRA r=" + run.loraRank() + ": " + trainable
					+ " parameters on q, k, v, o, gate, up, down"));
		}
		if (run.beta() > 0 && !run.lora()) {
			persistent.add(part("reference", parameters * FLOAT, "a frozen copy of the weights for the KL term (β > 0)"));
		}
		if (run.trains()) {
			persistent.add(part("gradients", trainable * FLOAT, trainable + " trainable parameters"));
			persistent.add(part("optimizer", 2 * trainable * FLOAT, "AdamW: two FP32 moments per trainable parameter"));
		}
		Activations act = new Activations(model, run, imageTokens);
		// sampling a micro-batch: the cache of every layer at full length and the prefill's temporaries
		List<MemoryEstimate.Part> rollout = new ArrayList<>(persistent);
		long cache = act.kvCache(run.rows(), sequence);
		rollout.add(part("kv cache", cache, run.rows() + " sequences × " + sequence + " tokens"));
		rollout.add(part("prefill", act.forward(run.rows(), prompt, 1), "forward over " + run.rows() + " prompts of "
				+ prompt + " tokens (no gradient)"));
		if (!run.trains()) {
			return new MemoryEstimate(rollout, "generation", parameters, 0, sequence, imageTokens);
		}
		List<MemoryEstimate.Part> training = new ArrayList<>(persistent);
		long logitsKept = run.kind().equals("grpo") ? run.completionLength() + 1 : sequence;
		long plain = act.forward(run.rows(), sequence, logitsKept);
		long adapted = plain + act.lora(run.rows(), sequence);
		long policy = run.gradientCheckpointing() ? act.checkpointed(run.rows(), sequence, logitsKept) : adapted;
		// the reference's (the base alone: a copy, or the adapters switched off) and the old policy's, per micro-batch:
		// without autograd each decoder layer's temporaries are freed as it ends, its output stays
		long noGrad = act.checkpointed(run.rows(), sequence, logitsKept);
		long rolloutForwards = (run.beta() > 0 ? noGrad : 0) + (run.iterations() > 1 ? noGrad : 0);
		int held = (run.beta() > 0 ? 1 : 0) + (run.iterations() > 1 ? 1 : 0);
		training.add(part("activations", policy + rolloutForwards * run.accumulation(),
				"the policy's forward of one micro-batch of " + run.rows() + " × " + sequence + " tokens"
						+ (run.gradientCheckpointing() ? " (layer inputs only: gradient checkpointing)" : "")
						+ (held == 0 ? "" : " and " + held + " log-prob forward(s) of each of " + run.accumulation()
								+ " micro-batch(es), held with the rollouts")));
		training.add(part("backward", act.backward(run.rows(), sequence, logitsKept),
				"gradients of one layer's activations and of the logits"));
		long rolloutBytes = sum(rollout);
		long trainingBytes = sum(training);
		boolean rolloutPeak = run.kind().equals("grpo") && rolloutBytes > trainingBytes;
		return new MemoryEstimate(rolloutPeak ? rollout : training, rolloutPeak ? "rollout" : "training", parameters,
				trainable, sequence, imageTokens);
	}

	/**
	 * The base's weights by dtype: float32, or with {@code torch_dtype float16} the matrices at 2 bytes and the vectors
	 * (norms, biases) at 4, as the worker loads them.
	 */
	private static MemoryEstimate.Part weights(ModelShape model, RunShape run) {
		long parameters = model.parameters();
		if (run.torchDtype() == TorchDtype.FLOAT32) {
			return part("weights", parameters * FLOAT, parameters + " parameters in FP32");
		}
		long vectors = model.vectorParameters();
		long matrices = parameters - vectors;
		return part("weights", matrices * run.torchDtype().bytes() + vectors * FLOAT, parameters + " parameters: "
				+ matrices + " in matrices in FP16, " + vectors + " in norms and biases in FP32");
	}

	private static long sum(List<MemoryEstimate.Part> parts) {
		return parts.stream().mapToLong(MemoryEstimate.Part::bytes).sum();
	}

	private static MemoryEstimate.Part part(String name, long bytes, String detail) {
		return new MemoryEstimate.Part(name, bytes, detail);
	}

	/**
	 * FP32 values every forward operation of the model outputs, counted op by op from the model code. Legend: B rows,
	 * S tokens, C hidden, I intermediate, H / K query / key-value heads, D head dim, V vocabulary, P patches, W vision
	 * width.
	 */
	private record Activations(ModelShape model, RunShape run, long imageTokens) {

		/** Bytes of one forward over {@code rows} sequences of {@code tokens}, keeping {@code logits} positions. */
		long forward(long rows, long tokens, long logits) {
			return FLOAT * (text(rows, tokens, logits) + (imageTokens > 0 ? vision(rows) : 0));
		}

		/**
		 * Bytes of the policy's forward under gradient checkpointing: the decoder keeps each layer's input (B·S·C)
		 * instead of its activations and LoRA outputs; the vision tower, embeddings and head are as without.
		 */
		long checkpointed(long rows, long tokens, long logits) {
			long layers = model.text().numLayers();
			long inputs = layers * rows * tokens * model.text().hiddenSize();
			return forward(rows, tokens, logits) - FLOAT * (layers * layer(rows, tokens) - inputs);
		}

		long text(long b, long s, long logits) {
			TextConfig t = model.text();
			long c = t.hiddenSize();
			long d = t.headDim();
			long v = t.vocabSize();
			long stack = b * s * c // embedding
					+ 3 * b * s * s // additive mask (float) and its boolean steps
					+ 3 * b * s * d + 3 * b * s // rotary angles, cos, sin, positions
					+ 3 * b * s * c; // final norm
			long head = b * logits * c + 2 * b * logits * v; // kept positions, logits, log-softmax
			return t.numLayers() * layer(b, s) + stack + head;
		}

		/** One decoder layer: two norms, q/k/v with M-RoPE, scores, mask, softmax, o, SwiGLU, two residuals. */
		long layer(long b, long s) {
			TextConfig t = model.text();
			long c = t.hiddenSize();
			long d = t.headDim();
			long h = t.numHeads();
			long k = t.numKeyValueHeads();
			long i = t.intermediateSize();
			return b * s * (10 * c + 6 + (h + 2 * k) * d + (9 * (h + k) * d) / 2 + 2 * h * d + 5 * i) + 4 * b * h * s * s;
		}

		/** The vision tower over one image per row. */
		long vision(long rows) {
			VisionConfig vc = model.vision();
			long merge = (long) vc.spatialMergeSize() * vc.spatialMergeSize();
			long patchesPerImage = imageTokens * merge;
			long p = rows * patchesPerImage;
			long w = vc.width();
			long windowPatches = vc.windowSize() == 0 ? patchesPerImage
					: Math.min(patchesPerImage, (long) (vc.windowSize() / vc.patchSize()) * (vc.windowSize() / vc.patchSize()));
			long blocks = 0;
			for (int i = 0; i < vc.depth(); i++) {
				long segment = vc.isFullAttention(i) ? patchesPerImage : windowPatches;
				blocks += 30 * p * w + 5 * p * vc.intermediateSize() + 2 * vc.numHeads() * p * segment + 6 * p;
			}
			long input = 2 * p * vc.patchDim() + p * w; // pixels, window order, patch embedding
			long merger = 3 * p * w + 4 * p * w + 2 * (p / merge) * vc.outHiddenSize();
			return input + blocks + merger;
		}

		/** LoRA's own outputs per adapted linear: x·A, (x·A)·B scaled, the sum; the dropout of x. */
		long lora(long b, long s) {
			if (!run.lora()) {
				return 0;
			}
			TextConfig t = model.text();
			long c = t.hiddenSize();
			long q = (long) t.numHeads() * t.headDim();
			long kv = (long) t.numKeyValueHeads() * t.headDim();
			long i = t.intermediateSize();
			long outs = q + 2 * kv + c + 2 * i + c;
			long ins = 4 * c + 2 * c + i;
			long perLayer = b * s * (7L * run.loraRank() + 3 * outs + (run.loraDropout() > 0 ? ins : 0));
			// a float16 base's products keep a half-precision copy of each input for the backward (model/HalfLinear)
			long halfInputs = run.torchDtype() == TorchDtype.FLOAT16 ? b * s * (3 * c + q + 2 * c + i) / 2 : 0;
			return FLOAT * t.numLayers() * (perLayer + halfInputs);
		}

		/** The backward pass's transient gradients: about two layers' activations and the logits' gradient. */
		long backward(long rows, long tokens, long logits) {
			return FLOAT * (2 * layer(rows, tokens) + 2 * rows * logits * model.text().vocabSize());
		}

		/** Keys and values of every layer for {@code rows} sequences of {@code tokens}. */
		long kvCache(long rows, long tokens) {
			TextConfig t = model.text();
			return FLOAT * 2L * t.numLayers() * rows * t.numKeyValueHeads() * tokens * t.headDim();
		}

	}

}
