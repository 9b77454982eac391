package dev.vlmr1.studio.run;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What every per-step table of a run ({@code run_metrics}, {@code run_rollouts}, {@code run_eval_results}) does with
 * its {@code archived} flag, so each step is visible exactly once across attempts. Table names are this package's
 * constants, never user input.
 */
final class StepRows {

	private StepRows() {
	}

	/**
	 * Makes room for a step's new live rows: rows the same attempt wrote before (a retried report) are deleted, rows
	 * of an earlier attempt are archived.
	 */
	static void supersede(JdbcClient jdbc, String table, long runId, int attempt, int step) {
		jdbc.sql("DELETE FROM " + table + " WHERE run_id = ? AND step = ? AND attempt = ? AND NOT archived")
			.params(runId, step, attempt)
			.update();
		jdbc.sql("UPDATE " + table + " SET archived = true WHERE run_id = ? AND step = ? AND NOT archived")
			.params(runId, step)
			.update();
	}

	/** Archives live rows after {@code step}: a resumed attempt records them again from its checkpoint. */
	static int archiveAfter(JdbcClient jdbc, String table, long runId, int step) {
		return jdbc.sql("UPDATE " + table + " SET archived = true WHERE run_id = ? AND step > ? AND NOT archived")
			.params(runId, step)
			.update();
	}

}
