package dev.vlmr1.studio.web;

import java.nio.file.Files;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The migrations build the whole schema on an empty PostgreSQL, and running them again changes nothing. */
class FlywayMigrationTests {

	@Test
	void migratesAnEmptyDatabaseAndIsIdempotent() throws Exception {
		var dir = Files.createTempDirectory("flyway-empty");
		try (var postgres = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true).start()) {
			var flyway = Flyway.configure().dataSource(postgres.getPostgresDatabase()).locations("classpath:db/migration").load();
			var first = flyway.migrate();
			assertThat(first.success).isTrue();
			assertThat(first.migrationsExecuted).isGreaterThan(0);
			assertThat(flyway.migrate().migrationsExecuted).isZero();
			assertThat(flyway.validateWithResult().validationSuccessful).isTrue();
		}
	}

}
