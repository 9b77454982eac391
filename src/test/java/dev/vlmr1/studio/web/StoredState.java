package dev.vlmr1.studio.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the platform has stored: the row count of every table and every file under the data directory (the
 * embedded database's own files excepted). Take one before a refused request and compare with one after: a 4xx
 * must leave both as they were.
 */
public final class StoredState {

	private final JdbcClient jdbc;

	private final Path dataDir;

	private final String countAll;

	public StoredState(ApplicationContext context) {
		this.jdbc = context.getBean(JdbcClient.class);
		this.dataDir = context.getBean(StudioProperties.class).dataDir().toAbsolutePath().normalize();
		List<String> tables = jdbc.sql("""
				SELECT table_name FROM information_schema.tables
				WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'flyway_schema_history'
				ORDER BY table_name""")
			.query(String.class)
			.list();
		// one round trip for all tables, so a snapshot per request stays cheap
		this.countAll = tables.stream()
			.map(t -> "SELECT '" + t + "' AS name, count(*) AS n FROM \"" + t + "\"")
			.collect(Collectors.joining(" UNION ALL "));
	}

	/** The state now. */
	public Snapshot take() {
		Map<String, Long> rows = new TreeMap<>();
		jdbc.sql(countAll).query((rs, n) -> rows.put(rs.getString(1), rs.getLong(2))).list();
		return new Snapshot(rows, files());
	}

	private Set<String> files() {
		Path database = dataDir.resolve("postgres");
		if (!Files.isDirectory(dataDir)) {
			return Set.of();
		}
		try (Stream<Path> paths = Files.walk(dataDir)) {
			return paths.filter(p -> !p.startsWith(database) && !Files.isDirectory(p))
				.map(p -> dataDir.relativize(p).toString())
				.collect(Collectors.toCollection(TreeSet::new));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (UncheckedIOException ex) {
			// a file removed while walking (another request's staging folder): look again
			return files();
		}
	}

	/** Row counts by table and the relative paths of the files under the data directory. */
	public record Snapshot(Map<String, Long> rows, Set<String> files) {

		/** What {@code later} has that this snapshot had not: tables with more rows, and new files. */
		public String added(Snapshot later) {
			StringBuilder added = new StringBuilder();
			later.rows.forEach((table, n) -> {
				long before = rows.getOrDefault(table, 0L);
				if (n > before) {
					added.append(table).append(" +").append(n - before).append(' ');
				}
			});
			later.files.stream().filter(f -> !files.contains(f)).limit(5).forEach(f -> added.append("file ").append(f).append(' '));
			return added.toString().trim();
		}

	}

}
