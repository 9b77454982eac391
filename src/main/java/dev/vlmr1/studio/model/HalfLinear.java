package dev.vlmr1.studio.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import org.jspecify.annotations.Nullable;

/**
 * {@code nn.Linear} (y = x·Wᵀ + b) on a weight that may be held in float16 ({@link TorchDtype#FLOAT16}), with x and
 * y in float32 either way. Two ways, chosen per call:
 * <ul>
 * <li><b>Grad mode off</b> (rollouts, the KL reference and old policy's log-probs, evaluation, chat):
 * the weight is widened to a float32 temporary, multiplied and freed at once. Nothing keeps the temporary, so memory
 * stays at one layer's matrix, and the product is float32 GEMM on exactly the float16-rounded weights.</li>
 * <li><b>Grad mode on</b> (the training forward, whose products autograd records): the product runs in float16 on the
 * float16 weight itself. Widening here would be the trap: autograd keeps the operand of every matmul for the
 * backward, so each layer's float32 copy would stay alive until the backward and the forward would end holding the
 * whole base in float32 again (on top of the float16 one). In float16 autograd keeps the weight it already has and
 * a half-size copy of x. The narrowing is a {@code copy_} into a float16 buffer and the widening a multiplication
 * by a float32 vector (type promotion), because DJL's {@code toType} cuts the graph and gradients would never reach
 * the adapters below.</li>
 * </ul>
 * Why this way, and its price, measured on this 2-core CPU (libtorch 2.7.1, AVX-512 without FP16 arithmetic, a
 * busy machine; {@code HalfBaseBenchmark}, mid-size model, 28 decoder products on 2 × 256 tracked rows): widening
 * inside the graph held 45 MiB more until the backward (the float32 copies), the half-precision products none; but
 * half-precision forward + backward took 108 s against 5.2 s in float32 (the backward's FP16 GEMM is the slow part;
 * a forward alone is 1.5–2×), and a whole LoRA training pass 77 s against 19 s. Rollouts, the reference and
 * evaluation keep float32 speed. Memory is what decides whether a 3B run fits on this machine at all, so it wins
 * here; on a GPU FP16 products are fast. With gradient checkpointing (a layer's forward recomputed in the backward)
 * the widened way would hold one layer's copies only and could be used in the graph too: the obvious next step.
 *
 * <p>Range: x is scaled so its largest element is {@link #PEAK} before narrowing, and the product scaled back in
 * float32, so activation outliers (Qwen2.5 has some in the thousands) cannot overflow half precision's 65,504. The
 * same factor multiplies the gradient while it is in float16 (by max|x| / PEAK), lifting the small gradients of a
 * deep model out of half precision's subnormal range, as mixed-precision training's loss scaling does.
 */
public final class HalfLinear {

	/** The largest |x| a half-precision product sees: small enough for headroom, large enough to stay normal. */
	static final float PEAK = 1f / 16;

	private HalfLinear() {
	}

	/** (…, in) → (…, out), float32 in and out. */
	public static NDArray linear(NDArray x, NDArray weight, @Nullable NDArray bias) {
		if (weight.getDataType() != DataType.FLOAT16) {
			return plain(x, weight, bias);
		}
		return inGraph() ? halfProduct(x, weight, bias) : widened(x, weight, bias);
	}

	/**
	 * Whether autograd may record the product: grad mode is on (a training forward). Whether x itself is tracked
	 * cannot be asked of DJL 0.36 safely: {@code requiresGrad} answers false for every non-leaf result and
	 * {@code getGradientFunctionNames} crashes the JVM on an array without history. So in grad mode every product
	 * takes the half-precision way, also the few before the first adapter (layer 0's q, k, v; a frozen vision tower):
	 * slower there, never the memory trap.
	 */
	static boolean inGraph() {
		return JniUtils.isGradMode();
	}

	private static NDArray widened(NDArray x, NDArray weight, @Nullable NDArray bias) {
		// on the weight's manager (the model's): closed here, so it must not escape
		try (NDArray wide = weight.toType(DataType.FLOAT32, false)) {
			return plain(x, wide, bias);
		}
	}

	private static NDArray halfProduct(NDArray x, NDArray weight, @Nullable NDArray bias) {
		NDManager manager = x.getManager();
		NDArray peak = x.stopGradient().abs().max().maximum(Float.MIN_NORMAL).reshape(1); // (1), float32, no history
		NDArray half = manager.zeros(x.getShape(), DataType.FLOAT16);
		try (NDArray scaled = x.mul(peak.pow(-1).mul(PEAK))) {
			half.set(new NDIndex("..."), scaled); // copy_: narrows, and keeps the graph
		}
		NDArray y;
		try (NDArray product = Linear.linear(half, weight).singletonOrThrow()) { // float16, float32 accumulation
			// a float16 array times a float32 vector is float32 (promotion), and differentiable, unlike toType
			y = product.mul(peak.div(PEAK));
		}
		// the temporaries' handles go now, not when the step's manager closes: what autograd needs of them it keeps
		// itself (libtorch counts references), and the float32 `scaled` it does not need at all
		half.close();
		return bias == null ? y : y.add(bias);
	}

	private static NDArray plain(NDArray x, NDArray weight, @Nullable NDArray bias) {
		return bias == null ? Linear.linear(x, weight).singletonOrThrow()
				: Linear.linear(x, weight, bias).singletonOrThrow();
	}

}
