package dev.vlmr1.studio.demo.worker;

import java.util.List;

/**
 * What the worker holds.
 *
 * @param pid the worker's process id
 * @param cachedModels loaded checkpoint directories, least recently used first
 * @param maxCachedModels the cache bound
 * @param served inference requests answered so far
 * @param cancelled requests of those that were stopped by a cancel before they finished
 */
public record WorkerStatus(long pid, List<String> cachedModels, int maxCachedModels, long served, long cancelled) {
}
