/** The Qwen byte-level BPE tokenizer (DJL's Hugging Face tokenizers binding) and its special tokens. */
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.model.tokenizer;
