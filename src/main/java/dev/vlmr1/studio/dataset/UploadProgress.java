package dev.vlmr1.studio.dataset;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.vlmr1.studio.dataset.DatasetViews.Progress;
import dev.vlmr1.studio.dataset.ingest.ProgressListener;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Server-side progress of uploads being validated and stored, keyed by the client's upload id and the user,
 * so the upload page can poll it while its (synchronous) upload request is still running. The transfer phase
 * is measured by the browser itself (XHR upload progress). Entries expire after ten minutes.
 */
@Component
class UploadProgress {

	private static final Duration KEEP = Duration.ofMinutes(10);

	private record Entry(Progress progress, Instant updated) {
	}

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	/** A listener that records under {@code uploadId}, or one that records nothing without an id. */
	ProgressListener listener(long userId, @Nullable String uploadId) {
		if (uploadId == null || uploadId.isBlank() || uploadId.length() > 64) {
			return ProgressListener.NONE;
		}
		String key = userId + ":" + uploadId;
		return (phase, done, total) -> update(key, new Progress(phase, done, total, "running"));
	}

	void finish(long userId, @Nullable String uploadId, String state) {
		if (uploadId != null && !uploadId.isBlank() && uploadId.length() <= 64) {
			update(userId + ":" + uploadId, new Progress(state, 1, 1, state));
		}
	}

	Optional<Progress> get(long userId, String uploadId) {
		Entry entry = entries.get(userId + ":" + uploadId);
		return Optional.ofNullable(entry).map(Entry::progress);
	}

	private void update(String key, Progress progress) {
		Instant now = Instant.now();
		entries.put(key, new Entry(progress, now));
		entries.values().removeIf((e) -> e.updated().isBefore(now.minus(KEEP)));
	}

}
