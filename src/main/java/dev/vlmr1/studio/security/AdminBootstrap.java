package dev.vlmr1.studio.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

import dev.vlmr1.studio.web.StudioProperties;

/**
 * Creates the first administrator on first start: with {@code STUDIO_ADMIN_PASSWORD} when given, otherwise with a
 * generated password that is logged once and written, readable by the owner only, to
 * {@code <studio.data-dir>/admin-password.txt}.
 */
@Component
class AdminBootstrap implements ApplicationRunner {

	private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

	static final String PASSWORD_FILE = "admin-password.txt";

	private final UserAccountRepository users;

	private final UserAccounts accounts;

	private final AdminProperties admin;

	private final StudioProperties studio;

	AdminBootstrap(UserAccountRepository users, UserAccounts accounts, AdminProperties admin,
			StudioProperties studio) {
		this.users = users;
		this.accounts = accounts;
		this.admin = admin;
		this.studio = studio;
	}

	@Override
	public void run(ApplicationArguments args) throws IOException {
		if (users.existsByRole(Role.ADMIN)) {
			return;
		}
		String configured = admin.password();
		if (configured != null && !configured.isBlank()) {
			String name = accounts.create(admin.username(), configured, Role.ADMIN).username();
			log.info("Created administrator '{}' with the configured password (STUDIO_ADMIN_PASSWORD)", name);
			return;
		}
		String generated = generatePassword();
		String name = accounts.create(admin.username(), generated, Role.ADMIN).username();
		Path file = writePasswordFile(generated);
		log.warn("Created administrator '{}' with the generated password {} (also written to {}); "
				+ "set STUDIO_ADMIN_PASSWORD to choose it", name, generated, file);
	}

	private Path writePasswordFile(String password) throws IOException {
		Path dir = studio.dataDir().toAbsolutePath();
		Files.createDirectories(dir);
		Path file = dir.resolve(PASSWORD_FILE);
		Files.deleteIfExists(file);
		Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
		try {
			Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
		}
		catch (UnsupportedOperationException ex) {
			// not a POSIX file system (Windows): the directory's own permissions apply
			Files.createFile(file);
		}
		Files.writeString(file, password + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
		return file;
	}

	private static String generatePassword() {
		String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
		var random = new SecureRandom();
		var password = new StringBuilder();
		for (int i = 0; i < 24; i++) {
			password.append(alphabet.charAt(random.nextInt(alphabet.length())));
		}
		return password.toString();
	}

}
