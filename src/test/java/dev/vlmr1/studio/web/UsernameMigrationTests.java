package dev.vlmr1.studio.web;

import java.nio.file.Files;
import java.util.List;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** V23 turns names that differed only by case into distinct normalised names, then enforces one per name. */
class UsernameMigrationTests {

	@Test
	void existingNamesAreNormalisedAndCaseTwinsKeepDistinctNames() throws Exception {
		var dir = Files.createTempDirectory("flyway-usernames");
		try (var postgres = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true).start()) {
			var jdbc = new JdbcTemplate(postgres.getPostgresDatabase());
			flyway(postgres, "22").migrate();
			for (String name : List.of("Alice", "alice", "ALICE", "Bob")) {
				jdbc.update("INSERT INTO users (username, password_hash, role) VALUES (?, 'x', 'USER')", name);
			}
			flyway(postgres, "latest").migrate();

			List<String> names = jdbc.queryForList("SELECT username FROM users ORDER BY id", String.class);
			assertThat(names.get(0)).isEqualTo("alice");
			assertThat(names.get(1)).startsWith("alice-");
			assertThat(names.get(2)).startsWith("alice-");
			assertThat(names.get(3)).isEqualTo("bob");
			assertThat(names).doesNotHaveDuplicates();
			assertThatThrownBy(() -> jdbc.update(
					"INSERT INTO users (username, password_hash, role) VALUES ('Bob', 'x', 'USER')"))
				.hasMessageContaining("users_username_normalised");
		}
	}

	private static Flyway flyway(EmbeddedPostgres postgres, String target) {
		return Flyway.configure()
			.dataSource(postgres.getPostgresDatabase())
			.locations("classpath:db/migration")
			.target(target)
			.load();
	}

}
