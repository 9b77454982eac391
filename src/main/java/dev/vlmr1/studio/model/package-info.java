/**
 * Qwen2-VL / Qwen2.5-VL on DJL: config, checkpoints, tokenizer and chat template, image processor, vision tower,
 * decoder, M-RoPE, KV cache and generation. Plain Java + DJL: no Spring, no other studio module. An open module:
 * its sub-packages (tokenizer, image, lora, safetensors, text, vision) are all the library's API.
 */
@org.springframework.modulith.ApplicationModule(type = org.springframework.modulith.ApplicationModule.Type.OPEN)
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.model;
