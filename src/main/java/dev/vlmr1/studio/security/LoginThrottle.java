package dev.vlmr1.studio.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;

/**
 * Counts failed logins per normalised username ({@link Usernames}), whatever the client address, so spreading
 * guesses over many IPs or spellings of the name does not help, and blocks further attempts after
 * {@value #MAX_FAILURES} failures in a sliding {@link #WINDOW}. The block ends by itself when old failures leave
 * the window: there is no permanent lockout. Only usernames are logged, never passwords.
 */
class LoginThrottle {

	static final int MAX_FAILURES = 5;

	static final Duration WINDOW = Duration.ofMinutes(15);

	/** Bounds the memory an attacker can make us spend by trying many different usernames. */
	private static final int MAX_TRACKED_USERNAMES = 10_000;

	private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

	private final Clock clock;

	private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

	LoginThrottle(Clock clock) {
		this.clock = clock;
	}

	/** How long {@code username} must wait before trying again, or zero when it may try now. */
	Duration retryAfter(String username) {
		Deque<Instant> recent = failures.get(key(username));
		if (recent == null) {
			return Duration.ZERO;
		}
		synchronized (recent) {
			Instant now = clock.instant();
			prune(recent, now);
			if (recent.size() < MAX_FAILURES) {
				return Duration.ZERO;
			}
			// the oldest failure that still counts leaves the window first
			return Duration.between(now, recent.peekFirst().plus(WINDOW)).plusSeconds(1);
		}
	}

	void recordFailure(String username) {
		if (failures.size() >= MAX_TRACKED_USERNAMES) {
			failures.values().removeIf(recent -> {
				synchronized (recent) {
					prune(recent, clock.instant());
					return recent.isEmpty();
				}
			});
		}
		String key = key(username);
		Deque<Instant> recent = failures.computeIfAbsent(key, name -> new ArrayDeque<>());
		synchronized (recent) {
			recent.addLast(clock.instant());
			if (recent.size() == MAX_FAILURES) {
				// the normalised name, control characters masked: what was typed may be meant to forge log lines
				String shown = key.replaceAll("\\p{Cntrl}", "?");
				log.warn("Login for user '{}' blocked for {} after {} failed attempts", shown, WINDOW, MAX_FAILURES);
			}
		}
	}

	void reset(String username) {
		failures.remove(key(username));
	}

	@EventListener
	void on(AuthenticationFailureBadCredentialsEvent event) {
		recordFailure(event.getAuthentication().getName());
	}

	@EventListener
	void on(AuthenticationSuccessEvent event) {
		if (!(event.getAuthentication() instanceof ApiTokenAuthentication)) {
			reset(event.getAuthentication().getName());
		}
	}

	private void prune(Deque<Instant> recent, Instant now) {
		Instant oldestCounted = now.minus(WINDOW);
		while (!recent.isEmpty() && !recent.peekFirst().isAfter(oldestCounted)) {
			recent.removeFirst();
		}
	}

	/** The same normalisation the password check looks users up by: no spelling of a name escapes its count. */
	private static String key(String username) {
		return Usernames.normalize(username);
	}

}
