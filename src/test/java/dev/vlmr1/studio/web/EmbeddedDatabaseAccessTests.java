package dev.vlmr1.studio.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vlmr1.studio.Slow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 11, class 11: the embedded database is open to this application only. Loopback TCP, no Unix socket, a
 * generated superuser password in an owner-only file, and a data directory created before this existed (trust, no
 * password) is migrated on its first start.
 */
@Slow
class EmbeddedDatabaseAccessTests {

	@TempDir
	Path dataDir;

	@Test
	void aNewDatabaseAcceptsOnlyThePasswordInTheOwnerOnlyFile() throws Exception {
		var studio = new StudioProperties(dataDir, 0);
		var configuration = new EmbeddedPostgresConfiguration();
		EmbeddedPostgresAccess access = configuration.embeddedPostgresAccess(studio);
		try (EmbeddedPostgres postgres = configuration.embeddedPostgres(studio, access);
				HikariDataSource dataSource = (HikariDataSource) configuration.dataSource(postgres, access)) {
			Path file = dataDir.resolve(EmbeddedPostgresAccess.PASSWORD_FILE);
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
			String password = Files.readString(file).strip();
			assertThat(password).hasSize(32);
			assertThat(dataSource.getPassword()).isEqualTo(password);

			assertThat(query(dataSource, "SELECT 1")).isEqualTo("1");
			assertRefused(postgres, null);
			assertRefused(postgres, "postgres");
			assertRefused(postgres, password + "x");
			assertThat(connect(postgres, password)).as("the right password").isNotNull();

			assertThat(query(dataSource, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
			assertThat(query(dataSource, "SHOW unix_socket_directories")).isEmpty();
			assertThat(query(dataSource, "SELECT count(*) FROM pg_hba_file_rules WHERE auth_method <> 'scram-sha-256' "
					+ "OR type <> 'host' OR address <> '127.0.0.1'")).isEqualTo("0");
			assertThat(query(dataSource, "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid "
					+ "WHERE rolname = 'postgres'")).isEqualTo("t");
		}
	}

	@Test
	void aDatabaseCreatedBeforeKeepsItsDataAndIsClosedOnItsFirstStartAfterTheUpgrade() throws Exception {
		// what the previous version did: zonky's defaults, trust for everyone, no password file
		try (EmbeddedPostgres old = EmbeddedPostgres.builder()
			.setDataDirectory(dataDir.resolve("postgres"))
			.setCleanDataDirectory(false)
			.start(); Connection c = old.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
			s.execute("CREATE TABLE kept (v text)");
			s.execute("INSERT INTO kept VALUES ('from before the upgrade')");
		}
		assertThat(dataDir.resolve(EmbeddedPostgresAccess.PASSWORD_FILE)).doesNotExist();

		var studio = new StudioProperties(dataDir, 0);
		var configuration = new EmbeddedPostgresConfiguration();
		for (int start = 1; start <= 2; start++) {
			EmbeddedPostgresAccess access = configuration.embeddedPostgresAccess(studio);
			try (EmbeddedPostgres postgres = configuration.embeddedPostgres(studio, access);
					HikariDataSource dataSource = (HikariDataSource) configuration.dataSource(postgres, access)) {
				assertThat(query(dataSource, "SELECT v FROM kept")).as("start " + start)
					.isEqualTo("from before the upgrade");
				assertRefused(postgres, null);
				assertThat(Files.readString(access.passwordFile()).strip()).isEqualTo(access.password());
			}
		}
	}

	private static void assertRefused(EmbeddedPostgres postgres, String password) {
		assertThatThrownBy(() -> connect(postgres, password)).as("password " + password)
			.isInstanceOf(SQLException.class)
			.satisfies(ex -> assertThat(((SQLException) ex).getSQLState()).isIn("28P01", "08004", "28000"));
	}

	private static Connection connect(EmbeddedPostgres postgres, String password) throws SQLException {
		var properties = new Properties();
		properties.setProperty("user", "postgres");
		if (password != null) {
			properties.setProperty("password", password);
		}
		try (Connection connection = DriverManager.getConnection(
				"jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres", properties)) {
			return connection;
		}
	}

	private static String query(DataSource dataSource, String sql) throws SQLException {
		try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
			r.next();
			return r.getString(1);
		}
	}

}
