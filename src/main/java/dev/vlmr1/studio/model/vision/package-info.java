/**
 * The Qwen2-VL / Qwen2.5-VL vision tower on DJL: patch embedding, 2D rotary, window and full attention blocks and
 * the patch merger. Every class mirrors one module of transformers' {@code modeling_qwen2_5_vl.py} /
 * {@code modeling_qwen2_vl.py}; {@link dev.vlmr1.studio.model.vision.VisionTransformer} is the entry point. The
 * forward pass is built from differentiable NDArray operations only, so a trainer can backpropagate through it.
 */
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.model.vision;
