/**
 * The Qwen2-VL image processor in Java: {@code smart_resize}, a PIL-exact bicubic resize, CLIP normalisation and the
 * patch flattening transformers feeds the vision tower.
 */
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.model.image;
