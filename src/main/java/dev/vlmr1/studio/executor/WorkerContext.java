package dev.vlmr1.studio.executor;

import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;

import dev.vlmr1.studio.run.RunManagement;
import dev.vlmr1.studio.run.RunProperties;
import dev.vlmr1.studio.web.StudioProperties;

/**
 * The small, non-web Spring context of a worker process: a connection pool, transactions, the run
 * module's queue API and the {@link AttemptLedger}. No Flyway, JPA, security or web server, so a worker
 * starts in about a second. Settings come from system properties and environment variables
 * ({@code SPRING_DATASOURCE_URL}, {@code STUDIO_RUNS_LEASE}, …).
 *
 * <p>Deliberately not a {@code @Configuration}: the web application's component scan must not pick it up.
 */
@EnableTransactionManagement(proxyTargetClass = true)
@ComponentScan(basePackageClasses = RunManagement.class, useDefaultFilters = false,
		includeFilters = @ComponentScan.Filter(type = FilterType.REGEX,
				pattern = "dev\\.vlmr1\\.studio\\.run\\.(RunManagement|RunStore|RunTelemetryStore|RunRolloutStore|RunEvalResultStore|RolloutImages|CheckpointRegistration)"))
class WorkerContext {

	/** Opens a context; {@code overrides} win over system properties and the environment (tests). */
	static AnnotationConfigApplicationContext open(java.util.Map<String, Object> overrides) {
		var context = new AnnotationConfigApplicationContext();
		ConfigurableEnvironment env = context.getEnvironment();
		env.getPropertySources().addFirst(new MapPropertySource("worker-overrides", overrides));
		context.register(WorkerContext.class);
		context.refresh();
		return context;
	}

	@Bean(destroyMethod = "close")
	HikariDataSource dataSource(Environment env) {
		String url = env.getProperty("spring.datasource.url");
		if (url == null || url.isBlank() || "embedded".equals(url)) {
			throw new IllegalArgumentException(
					"a worker needs the database: set SPRING_DATASOURCE_URL (and _USERNAME, _PASSWORD)");
		}
		var ds = new HikariDataSource();
		ds.setJdbcUrl(url);
		ds.setUsername(env.getProperty("spring.datasource.username", "postgres"));
		ds.setPassword(env.getProperty("spring.datasource.password", ""));
		// training thread + heartbeat thread, and one spare for a supervisor call
		ds.setMaximumPoolSize(env.getProperty("studio.executor.worker-pool-size", Integer.class, 3));
		ds.setPoolName("worker");
		ds.setConnectionInitSql(sessionLimits(Binder.get(env).bindOrCreate("studio.runs", RunProperties.class).lease()));
		return ds;
	}

	/**
	 * Server-side limits on every worker session (RELIABILITY.md T5.8). A worker frozen inside a
	 * transaction (SIGSTOP, a long GC pause) holds its run's row lock, and the reaper claims expired leases
	 * with {@code SKIP LOCKED}: without these limits such a run is never reaped while the worker sleeps.
	 * PostgreSQL ends an idle transaction well inside the lease, so the lock is gone by the time the lease
	 * expires; a worker never waits on a lock or a statement for longer than its lease would last.
	 */
	static String sessionLimits(Duration lease) {
		long idleMillis = Math.max(1000, lease.toMillis() / 3);
		return "SET idle_in_transaction_session_timeout = " + idleMillis + "; SET lock_timeout = " + idleMillis
				+ "; SET statement_timeout = " + Math.max(1000, lease.toMillis());
	}

	@Bean
	PlatformTransactionManager transactionManager(DataSource dataSource) {
		return new DataSourceTransactionManager(dataSource);
	}

	@Bean
	JdbcClient jdbcClient(DataSource dataSource) {
		return JdbcClient.create(dataSource);
	}

	@Bean
	JsonMapper jsonMapper() {
		return JsonMapper.builder().build();
	}

	@Bean
	RunProperties runProperties(Environment env) {
		return Binder.get(env).bindOrCreate("studio.runs", RunProperties.class);
	}

	@Bean
	ExecutorProperties executorProperties(Environment env) {
		return Binder.get(env).bindOrCreate("studio.executor", ExecutorProperties.class);
	}

	@Bean
	StudioProperties studioProperties(Environment env) {
		return Binder.get(env).bindOrCreate("studio", StudioProperties.class);
	}

	@Bean
	AttemptLedger attemptLedger(RunManagement runs, JdbcClient jdbc, PlatformTransactionManager transactions,
			ExecutorProperties properties) {
		return new AttemptLedger(runs, jdbc, transactions, properties.retryPolicy());
	}

	@Bean
	LeaseSweeper leaseSweeper(RunManagement runs, AttemptLedger ledger, PlatformTransactionManager transactions,
			ExecutorProperties properties) {
		// created, not started: a worker does not sweep; tests drive it by hand
		return new LeaseSweeper(runs, ledger, transactions, properties.sweepInterval(), properties.progressTimeout()) {
			@Override
			public boolean isAutoStartup() {
				return false;
			}
		};
	}

}
