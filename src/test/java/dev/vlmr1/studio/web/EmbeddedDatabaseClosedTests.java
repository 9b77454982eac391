package dev.vlmr1.studio.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.vlmr1.studio.Slow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 11, class 11, as the running application has it: another local user cannot use its database. */
@SpringBootTest
@Slow
class EmbeddedDatabaseClosedTests {

	@Autowired
	EmbeddedPostgres postgres;

	@Autowired
	StudioProperties studio;

	@Test
	void theApplicationsDatabaseRefusesALocalUserWithoutThePassword() throws Exception {
		Path file = studio.dataDir().resolve("postgres-password.txt");
		assertThat(file).exists();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		for (String host : new String[] { "127.0.0.1", "localhost" }) {
			var noPassword = new Properties();
			noPassword.setProperty("user", "postgres");
			assertThatThrownBy(() -> DriverManager.getConnection(
					"jdbc:postgresql://" + host + ":" + postgres.getPort() + "/postgres", noPassword).close())
				.as(host)
				.isInstanceOf(SQLException.class);
		}
		var withPassword = new Properties();
		withPassword.setProperty("user", "postgres");
		withPassword.setProperty("password", Files.readString(file).strip());
		DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres", withPassword)
			.close();
	}

}
