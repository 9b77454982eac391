package dev.vlmr1.studio.executor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.run.RunId;
import dev.vlmr1.studio.run.RunState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * T5.8 on worker connections: a worker frozen in the middle of a transaction (SIGSTOP, a long GC pause)
 * holds its run's row lock. The reaper takes expired leases with {@code SKIP LOCKED}, so without a
 * server-side limit such a run is never reaped while the worker sleeps: the cause of T1.3 failing when
 * SIGSTOP happened to land inside a step's write.
 */
@Slow
class FrozenWorkerTests extends ExecutorTestSupport {

	@Test
	void everyWorkerSessionCarriesTheServerSideLimits() throws SQLException {
		try (Connection c = context.getBean(DataSource.class).getConnection()) {
			// lease 5 s in these tests: idle transactions and lock waits end after a third of it
			assertThat(show(c, "idle_in_transaction_session_timeout")).isEqualTo("1666ms");
			assertThat(show(c, "lock_timeout")).isEqualTo("1666ms");
			assertThat(show(c, "statement_timeout")).isEqualTo("5s");
		}
	}

	@Test
	void aWorkerFrozenInsideATransactionCannotBlockReaping() throws SQLException {
		RunId id = queueRun("steps=10", 3);
		assertThat(ledger.claim("frozen")).isPresent();
		try (Connection frozen = context.getBean(DataSource.class).getConnection()) {
			frozen.setAutoCommit(false);
			try (PreparedStatement lock = frozen.prepareStatement("SELECT id FROM runs WHERE id = ? FOR UPDATE")) {
				lock.setLong(1, id.value());
				lock.executeQuery().close();
			}
			// the worker now sleeps with the row locked; nothing it holds may outlive its lease
			sweeper.start();
			await().atMost(Duration.ofSeconds(20)).until(() -> state(id) == RunState.QUEUED);
			assertThatThrownBy(() -> frozen.createStatement().execute("SELECT 1")).as("the frozen session was ended")
				.isInstanceOf(SQLException.class);
		}
		assertThat(jdbc.sql("SELECT failure FROM run_attempts WHERE run_id = ? AND attempt = 1")
			.param(id.value())
			.query(String.class)
			.single()).isEqualTo("WORKER_LOST");
	}

	private static String show(Connection c, String setting) throws SQLException {
		try (ResultSet rs = c.createStatement().executeQuery("SHOW " + setting)) {
			rs.next();
			return rs.getString(1);
		}
	}

}
