package dev.vlmr1.studio.security;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;

import dev.vlmr1.studio.StudioApplication;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * T4.9: with the {@code prod} profile the application refuses to start without a real admin password, before it
 * starts a database or a web server.
 */
class ProductionSecretsTests {

	@TempDir
	Path dataDir;

	@Test
	void prodWithoutAnAdminPasswordFailsFast() {
		assertThatThrownBy(() -> start("--studio.admin.password=")).hasStackTraceContaining(
				"Refusing to start with the 'prod' profile: the admin password is missing: set STUDIO_ADMIN_PASSWORD");
	}

	@Test
	void prodWithADefaultOrShortAdminPasswordFailsFast() {
		assertThatThrownBy(() -> start("--studio.admin.password=password1234"))
			.hasStackTraceContaining("STUDIO_ADMIN_PASSWORD is not acceptable: password is a well-known default");
		assertThatThrownBy(() -> start("--studio.admin.password=short"))
			.hasStackTraceContaining("STUDIO_ADMIN_PASSWORD is not acceptable: password must have at least 12");
	}

	@Test
	void prodWithAnExternalDatabaseNeedsItsPassword() {
		assertThatThrownBy(() -> start("--studio.admin.password=a-long-real-passphrase",
				"--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/studio", "--spring.datasource.password=postgres"))
			.hasStackTraceContaining("the database password is missing or a default");
	}

	private void start(String... args) {
		String[] all = new String[args.length + 3];
		System.arraycopy(args, 0, all, 0, args.length);
		all[args.length] = "--studio.data-dir=" + dataDir;
		all[args.length + 1] = "--server.port=0";
		all[args.length + 2] = "--spring.main.banner-mode=off";
		new SpringApplicationBuilder(StudioApplication.class).profiles("prod").run(all).close();
	}

}
