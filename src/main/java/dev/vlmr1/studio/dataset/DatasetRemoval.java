package dev.vlmr1.studio.dataset;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes datasets (refused with 409 while anything uses them) and the images only they referenced, and sweeps
 * the artifact store for image files no committed row refers to (left by a crash between storing images and
 * committing rows).
 */
@Service
class DatasetRemoval {

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final ImageStore store;

	private final DatasetQueries queries;

	DatasetRemoval(JdbcClient jdbc, TransactionTemplate transactions, ImageStore store, DatasetQueries queries) {
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.store = store;
		this.queries = queries;
	}

	void delete(long id, CurrentUser user) {
		queries.requireAccess(id, user);
		List<String> orphans;
		try {
			orphans = transactions.execute((status) -> {
				boolean inUse = jdbc.sql("SELECT EXISTS (SELECT 1 FROM dataset_usages WHERE dataset_id = ?)")
					.param(id)
					.query(Boolean.class)
					.single();
				if (inUse) {
					throw ApiProblem.conflict("dataset-in-use", "Dataset " + id + " is used by a run and cannot be deleted");
				}
				List<String> hashes = jdbc.sql("SELECT sha256 FROM dataset_images WHERE dataset_id = ?")
					.param(id)
					.query(String.class)
					.list();
				jdbc.sql("DELETE FROM datasets WHERE id = ?").param(id).update();
				return jdbc.sql("""
						DELETE FROM images i WHERE sha256 = ANY(?)
						AND NOT EXISTS (SELECT 1 FROM dataset_images d WHERE d.sha256 = i.sha256) RETURNING sha256""")
					.param(hashes.toArray(String[]::new))
					.query(String.class)
					.list();
			});
		}
		catch (DataIntegrityViolationException ex) {
			// a run registered itself between our check and the delete: the foreign key refused it
			throw ApiProblem.conflict("dataset-in-use", "Dataset " + id + " is used by a run and cannot be deleted");
		}
		store.deleteAll(orphans);
	}

	/** Removes unreferenced image files older than {@code grace}; returns how many. */
	int sweep(Duration grace) {
		var referenced = new HashSet<>(jdbc.sql("SELECT sha256 FROM images").query(String.class).list());
		return store.sweep(referenced, grace);
	}

	@Scheduled(initialDelayString = "PT5M", fixedDelayString = "PT1H")
	void sweepHourly() {
		sweep(Duration.ofHours(1));
	}

}
