/**
 * The inference worker process: a plain {@code main} (no Spring) that keeps a bounded LRU cache of loaded models and
 * answers line-delimited JSON requests on stdin with line-delimited JSON on stdout. Shared with the web side: the
 * protocol records, the prompt templates and the image checks.
 */
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.demo.worker;
