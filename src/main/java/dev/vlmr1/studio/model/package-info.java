/**
 * Qwen2-VL / Qwen2.5-VL on DJL: config, checkpoints, tokenizer and chat template, image processor, vision tower,
 * decoder, M-RoPE, KV cache and generation. Plain Java + DJL: no Spring, no other studio module.
 */
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.model;
