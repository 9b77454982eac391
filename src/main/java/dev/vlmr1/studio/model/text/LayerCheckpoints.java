package dev.vlmr1.studio.model.text;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

import dev.vlmr1.studio.model.Temporaries;

/**
 * Gradient checkpointing of the decoder layers (transformers' {@code gradient_checkpointing}). While a
 * {@code LayerCheckpoints} is open on a {@link TextModel}, a forward with autograd on runs each decoder layer with
 * autograd off and keeps only the layers' inputs; the stack's output is a fresh leaf. After the loss's backward has
 * given that leaf its gradient, {@link #backward()} walks the layers from the last down: it runs the layer again from
 * its saved input (now a leaf that requires a gradient), backpropagates the output's gradient through it, which
 * accumulates the layer's parameter gradients, and reads the input's gradient for the layer below. The embeddings'
 * gradient finally continues into the graph that made them (embedding lookup, image features, vision tower).
 *
 * <p>A step then holds every layer's input plus one layer's activations instead of every layer's activations, for a
 * second forward of the decoder. The parameter gradients are those of the plain backward: the same operations on the
 * same values, summed in the reverse layer order autograd uses. LoRA dropout draws the same masks in the second
 * forward because each adapter seeds its own draw ({@code LoraAdapters.training}).
 *
 * <p>libtorch accumulates {@code .grad} over several backward calls, so the per-layer calls add up; DJL's single
 * gradient collector only switches grad mode and guards against a second collector, so these calls run inside the
 * caller's collector. Legend: B batch, T tokens, C hidden size.
 */
public final class LayerCheckpoints implements AutoCloseable {

	/** The decoder forwards recorded since the last {@link #backward()}, in order. */
	private final List<Forward> forwards = new ArrayList<>();

	private final Runnable onClose;

	LayerCheckpoints(Runnable onClose) {
		this.onClose = onClose;
	}

	/** Checkpointing off: attached to no model, it records no forward and its backward does nothing. */
	public static LayerCheckpoints off() {
		return new LayerCheckpoints(() -> {
		});
	}

	/**
	 * One forward through the decoder stack under checkpointing.
	 * @param inputs each layer's input: the embeddings (with their graph) and the detached outputs of all but the last
	 * layer
	 * @param output the last layer's output, a leaf whose gradient the loss's backward fills
	 */
	private record Forward(List<DecoderLayer> layers, List<NDArray> inputs, NDArray cos, NDArray sin, NDArray mask,
			NDArray output) {
	}

	/**
	 * Runs {@code layers} over {@code embeds} without recording autograd, keeping the layer inputs; returns the last
	 * output as a leaf that requires a gradient.
	 * @param embeds (B, T, C)
	 */
	NDArray forward(List<DecoderLayer> layers, NDArray embeds, NDArray cos, NDArray sin, NDArray mask) {
		List<NDArray> inputs = new ArrayList<>(layers.size());
		NDArray h = embeds;
		boolean grad = JniUtils.isGradMode();
		JniUtils.setGradMode(false);
		try {
			for (DecoderLayer layer : layers) {
				inputs.add(h);
				NDArray input = h;
				h = Temporaries.freeAllBut(() -> layer.forward(input, cos, sin, mask, null));
			}
		}
		finally {
			JniUtils.setGradMode(grad);
		}
		h.setRequiresGradient(true);
		forwards.add(new Forward(layers, inputs, cos, sin, mask, h));
		return h;
	}

	/**
	 * Completes the backward pass through the checkpointed layers of every forward recorded since the last call, last
	 * forward first. Call it right after the loss's backward, inside the same gradient collector.
	 */
	public void backward() {
		for (int f = forwards.size() - 1; f >= 0; f--) {
			Forward forward = forwards.get(f);
			NDArray gradient = forward.output().getGradient();
			for (int i = forward.layers().size() - 1; i >= 0; i--) {
				NDArray below = recompute(forward, i, gradient);
				gradient.close();
				if (i > 0) {
					forward.inputs().get(i).close(); // no longer needed: the layer above is done
				}
				gradient = below;
			}
			NDArray embeds = forward.inputs().get(0);
			// DJL cannot tell whether a non-leaf requires a gradient (requiresGrad answers false for every one, and
			// asking for its grad_fn crashes on a leaf), so mark it: a no-op on a graph, a harmless leaf gradient when
			// nothing below trains (LoRA on the decoder only)
			embeds.setRequiresGradient(true);
			JniUtils.backward((PtNDArray) embeds, (PtNDArray) gradient, false, false);
			gradient.close();
		}
		forwards.clear();
	}

	/**
	 * Layer {@code i} once more, with autograd on, from its saved input: backpropagates {@code outputGradient} and
	 * returns the input's gradient. Everything the recomputation creates is freed before returning.
	 */
	private static NDArray recompute(Forward forward, int i, NDArray outputGradient) {
		try (NDScope scope = new NDScope()) {
			NDArray input = forward.inputs().get(i).stopGradient();
			input.setRequiresGradient(true);
			NDArray output = forward.layers().get(i).forward(input, forward.cos(), forward.sin(), forward.mask(), null);
			JniUtils.backward((PtNDArray) output, (PtNDArray) outputGradient, false, false);
			NDArray inputGradient = input.getGradient();
			NDScope.unregister(inputGradient);
			return inputGradient;
		}
	}

	/** Stops checkpointing: later forwards keep their activations as usual. */
	@Override
	public void close() {
		forwards.clear();
		onClose.run();
	}

}
