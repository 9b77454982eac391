/**
 * Datasets: upload, validation, storage and browsing of VLM-R1 jsonl datasets and their images.
 *
 * <p>The public API is {@link dev.vlmr1.studio.dataset.DatasetManagement} (find a dataset, check it is usable,
 * mark it in use by a run) with the id and summary records; everything else is internal.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"web"})
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.dataset;
