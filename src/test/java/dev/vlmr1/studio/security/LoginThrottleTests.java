package dev.vlmr1.studio.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** T4.5 window logic: N failures block, the block lifts by itself, a success clears the count. */
class LoginThrottleTests {

	/** A clock the test moves by hand. */
	static final class ManualClock extends Clock {

		Instant now = Instant.parse("2026-01-01T00:00:00Z");

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return now;
		}

	}

	final ManualClock clock = new ManualClock();

	final LoginThrottle throttle = new LoginThrottle(clock);

	@Test
	void blocksAfterMaxFailuresAndLiftsWhenTheyLeaveTheWindow() {
		for (int i = 0; i < LoginThrottle.MAX_FAILURES - 1; i++) {
			throttle.recordFailure("alice");
			clock.now = clock.now.plusSeconds(60);
		}
		assertThat(throttle.retryAfter("alice")).isZero();
		throttle.recordFailure("ALICE"); // usernames are counted case-insensitively
		Duration wait = throttle.retryAfter("alice");
		// the first failure was 4 minutes ago: it leaves the 15-minute window in 11 minutes
		assertThat(wait).isBetween(Duration.ofMinutes(11), Duration.ofMinutes(11).plusSeconds(1));
		assertThat(throttle.retryAfter("bob")).isZero();

		clock.now = clock.now.plus(wait);
		assertThat(throttle.retryAfter("alice")).as("no permanent lockout").isZero();
	}

	@Test
	void aSuccessfulLoginClearsTheCount() {
		for (int i = 0; i < LoginThrottle.MAX_FAILURES - 1; i++) {
			throttle.recordFailure("alice");
		}
		throttle.reset("alice");
		throttle.recordFailure("alice");
		assertThat(throttle.retryAfter("alice")).isZero();
	}

	@Test
	void everySpellingOfANameSharesOneCount() {
		for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
			throttle.recordFailure("alice");
		}
		for (String spelling : new String[] { "alice ", " alice", "ALICE", " Alice\t", "alice\n", "alice\u00a0",
				"alice\u0001", "\uff41\uff4c\uff49\uff43\uff45", "alice\u200b" }) {
			assertThat(throttle.retryAfter(spelling)).as("'%s' is alice", spelling).isPositive();
		}
		assertThat(throttle.retryAfter("alice2")).isZero();
	}

	@Test
	void failuresUnderAnySpellingCountTowardsTheSameName() {
		String[] spellings = { "bob ", "BOB", " Bob", "\uff42\uff4f\uff42", "bob\r\n" };
		for (String spelling : spellings) {
			throttle.recordFailure(spelling);
		}
		assertThat(throttle.retryAfter("bob")).isPositive();
	}

}
