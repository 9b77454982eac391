package dev.vlmr1.studio.web;

import java.nio.file.Path;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.StudioApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code spring.datasource.url} set the application uses that server through Spring Boot's own data source
 * and starts no embedded one; Flyway migrates it and the admin gets the configured password (no password file).
 * A separately started PostgreSQL plays the external server.
 */
@Slow
class ExternalDatabaseTests {

	@TempDir
	Path dataDir;

	@Test
	void anExternalDatabaseReplacesTheEmbeddedOne() throws Exception {
		try (EmbeddedPostgres external = EmbeddedPostgres.builder().start()) {
			String url = external.getJdbcUrl("postgres", "postgres");
			try (ConfigurableApplicationContext app = new SpringApplicationBuilder(StudioApplication.class).run(
					"--spring.datasource.url=" + url, "--spring.datasource.username=postgres",
					"--studio.data-dir=" + dataDir, "--server.port=0", "--spring.main.banner-mode=off",
					"--studio.admin.password=external-admin-passphrase")) {
				assertThat(app.getBeanNamesForType(EmbeddedPostgres.class)).isEmpty();
				DataSource dataSource = app.getBean(DataSource.class);
				assertThat(dataSource).isInstanceOf(HikariDataSource.class);
				assertThat(((HikariDataSource) dataSource).getJdbcUrl()).isEqualTo(url);

				// the external server holds the schema and the admin, with the configured password
				var jdbc = new JdbcTemplate(external.getPostgresDatabase());
				assertThat(jdbc.queryForObject("select count(*) from flyway_schema_history where success", Integer.class))
					.isGreaterThanOrEqualTo(3);
				String hash = jdbc.queryForObject("select password_hash from users where username = 'admin'", String.class);
				assertThat(new BCryptPasswordEncoder().matches("external-admin-passphrase", hash)).isTrue();
				assertThat(dataDir.resolve("admin-password.txt")).doesNotExist();
				assertThat(dataDir.resolve("postgres")).doesNotExist();
			}
		}
	}

}
