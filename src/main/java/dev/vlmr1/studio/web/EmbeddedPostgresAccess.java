package dev.vlmr1.studio.web;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import io.zonky.test.db.postgres.util.LinuxUtils;

/**
 * Closes the embedded PostgreSQL to everyone but this application. zonky initialises a cluster with {@code trust}
 * authentication and a Unix socket, so any local user could connect as the superuser without a password (and, as
 * superuser, run programs as the service account). Before the server first listens, on every start:
 * <ul>
 * <li>the superuser's password is set to the one in {@code <studio.data-dir>/postgres-password.txt} (owner-only,
 * generated on first start), in single-user mode, which opens no connection at all: so a cluster created before
 * this class existed is migrated on its first start after the upgrade, and deleting the file rotates the
 * password;</li>
 * <li>{@code pg_hba.conf} is rewritten to allow only SCRAM password logins over loopback TCP;</li>
 * <li>the server is started listening on 127.0.0.1 only, with no Unix socket.</li>
 * </ul>
 */
final class EmbeddedPostgresAccess {

	static final String PASSWORD_FILE = "postgres-password.txt";

	static final String SUPERUSER = "postgres";

	static final String HBA = """
			# Written by VLM-R1 Studio on every start (EmbeddedPostgresAccess): SCRAM password logins over loopback
			# TCP only. No trust, no Unix socket: a local user without the password cannot connect.
			host all all 127.0.0.1/32 scram-sha-256
			""";

	private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

	private final Path passwordFile;

	private final String password;

	private EmbeddedPostgresAccess(Path passwordFile, String password) {
		this.passwordFile = passwordFile;
		this.password = password;
	}

	/** The password in {@code <dataDir>/postgres-password.txt}, generated and written owner-only when absent. */
	static EmbeddedPostgresAccess forDataDir(Path dataDir) throws IOException {
		Path file = dataDir.toAbsolutePath().resolve(PASSWORD_FILE);
		if (Files.isRegularFile(file)) {
			String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
			if (!stored.isEmpty()) {
				return new EmbeddedPostgresAccess(file, stored);
			}
		}
		String generated = generate();
		writeOwnerOnly(file, generated);
		return new EmbeddedPostgresAccess(file, generated);
	}

	String password() {
		return password;
	}

	Path passwordFile() {
		return passwordFile;
	}

	/** Applies the settings above to a builder; the password and pg_hba.conf are written before the server starts. */
	EmbeddedPostgres.Builder applyTo(EmbeddedPostgres.Builder builder) {
		return builder.setServerConfig("listen_addresses", "127.0.0.1")
			.setServerConfig("unix_socket_directories", "")
			.setServerConfig("password_encryption", "scram-sha-256")
			// zonky's own readiness check connects with these
			.setConnectConfig("password", password)
			.setDataDirectoryCustomizer(this::secure);
	}

	/** The JDBC URL of the server {@code postgres} started: loopback, by address (it listens on nothing else). */
	static String jdbcUrl(EmbeddedPostgres postgres) {
		return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
	}

	private void secure(File clusterDirectory) {
		Path cluster = clusterDirectory.toPath();
		try {
			setSuperuserPassword(cluster);
			Files.writeString(cluster.resolve("pg_hba.conf"), HBA, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot secure the embedded PostgreSQL in " + cluster + ": " + ex.getMessage(),
					ex);
		}
	}

	/** {@code ALTER ROLE} in single-user mode: the server is not listening yet, and does not in this mode. */
	private void setSuperuserPassword(Path cluster) throws IOException {
		List<String> command = new ArrayList<>();
		if (LinuxUtils.isUnshareAvailable()) {
			// as zonky runs initdb and postgres when started as root: PostgreSQL refuses to run as root
			command.addAll(List.of("unshare", "-U"));
		}
		command.addAll(List.of(binaries().resolve("bin").resolve("postgres").toString(), "--single", "-D",
				cluster.toString(), "-c", "listen_addresses=", "-c", "unix_socket_directories=", "-c",
				"password_encryption=scram-sha-256", SUPERUSER));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		try (OutputStream in = process.getOutputStream()) {
			// the password's alphabet needs no quoting
			in.write(("ALTER ROLE " + SUPERUSER + " WITH PASSWORD '" + password + "'\n")
				.getBytes(StandardCharsets.UTF_8));
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		try {
			if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0 || output.contains("ERROR:")) {
				process.destroyForcibly();
				throw new IOException("setting the superuser password failed: " + output.replace(password, "***"));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
			throw new IOException("interrupted while setting the superuser password", ex);
		}
	}

	/**
	 * Where zonky unpacked the PostgreSQL binaries. zonky keeps this private; its own (cached, idempotent)
	 * {@code prepareBinaries} is the one source of truth, so we ask it rather than guess the directory. A zonky
	 * upgrade that renames it fails here loudly, at start, and in EmbeddedDatabaseAccessTests.
	 */
	private static Path binaries() throws IOException {
		try {
			Method prepare = EmbeddedPostgres.class.getDeclaredMethod("prepareBinaries", PgBinaryResolver.class,
					File.class);
			prepare.setAccessible(true);
			return ((File) prepare.invoke(null, DefaultPostgresBinaryResolver.INSTANCE, null)).toPath();
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			throw new IOException("cannot locate the embedded PostgreSQL binaries: " + ex, ex);
		}
	}

	private static String generate() {
		var random = new SecureRandom();
		var generated = new StringBuilder();
		for (int i = 0; i < 32; i++) {
			generated.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
		}
		return generated.toString();
	}

	private static void writeOwnerOnly(Path file, String secret) throws IOException {
		Files.createDirectories(file.getParent());
		Files.deleteIfExists(file);
		try {
			Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
		}
		catch (UnsupportedOperationException ex) {
			// not a POSIX file system (Windows): the directory's own permissions apply
			Files.createFile(file);
		}
		Files.writeString(file, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
	}

}
