/**
 * The model registry: local Hugging Face checkpoint directories (Qwen2-VL, Qwen2.5-VL) registered by their owner,
 * validated before they are stored, so runs and demos can name them by id. {@link dev.vlmr1.studio.catalog.ModelCatalog}
 * is the module's API.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"model", "web"})
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.catalog;
