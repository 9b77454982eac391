/**
 * LoRA (Hu et al., 2021) on the Qwen-VL model, as PEFT implements it: every linear layer is a {@link
 * dev.vlmr1.studio.model.lora.Projection} that may carry a low-rank adapter, {@link
 * dev.vlmr1.studio.model.lora.LoraAdapters} attaches, switches and merges the adapters of one model, and {@link
 * dev.vlmr1.studio.model.lora.PeftAdapterFiles} reads and writes them in PEFT's format ({@code adapter_config.json} +
 * {@code adapter_model.safetensors}). Plain Java + DJL.
 */
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.model.lora;
