/**
 * The Qwen2-VL / Qwen2.5-VL language model on DJL: RMSNorm, M-RoPE and its 3D position index, grouped-query
 * attention with a KV cache, the SwiGLU MLP and the decoder stack. Every forward is made of differentiable NDArray
 * operations, so trainers backpropagate through it.
 */
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.model.text;
