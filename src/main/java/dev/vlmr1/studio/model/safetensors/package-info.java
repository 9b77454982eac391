/** Reading and writing the safetensors format without DJL's 2 GiB and BF16 limits. */
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.model.safetensors;
