/**
 * Validation of uploaded datasets, in plain Java (no Spring): jsonl parsing with limits, image path rules,
 * image probing from headers, and safe archive extraction. Everything here only reads the upload and the
 * staging directory; nothing is stored.
 */
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.dataset.ingest;
