package dev.vlmr1.studio.executor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

import dev.vlmr1.studio.model.DeviceCheck;
import dev.vlmr1.studio.plan.MemoryBudget;
import dev.vlmr1.studio.run.RunManagement;
import dev.vlmr1.studio.run.RunProperties;
import dev.vlmr1.studio.web.StudioProperties;

/**
 * The executor inside the web application: the attempt ledger, the lease sweeper
 * ({@code studio.executor.sweeper-enabled}) and the local process dispatcher
 * ({@code studio.executor.local.enabled}). The web JVM never trains; it only starts and watches workers.
 */
@Configuration(proxyBeanMethods = false)
class ExecutorConfiguration {

	@Bean
	AttemptLedger attemptLedger(RunManagement runs, JdbcClient jdbc, PlatformTransactionManager transactions,
			ExecutorProperties properties) {
		return new AttemptLedger(runs, jdbc, transactions, properties.retryPolicy());
	}

	/**
	 * What a worker has for a run, which the run module plans new runs against: the local workers' memory limit
	 * (workers started elsewhere are expected to be sized alike).
	 */
	@Bean
	MemoryBudget workerMemoryBudget(ExecutorProperties properties) {
		return properties.local().memoryBudget();
	}

	@Bean
	@ConditionalOnProperty(prefix = "studio.executor", name = "sweeper-enabled", havingValue = "true", matchIfMissing = true)
	LeaseSweeper leaseSweeper(RunManagement runs, AttemptLedger ledger, PlatformTransactionManager transactions,
			ExecutorProperties properties) {
		return new LeaseSweeper(runs, ledger, transactions, properties.sweepInterval(), properties.progressTimeout());
	}

	@Bean
	@ConditionalOnProperty(prefix = "studio.executor.local", name = "enabled", havingValue = "true", matchIfMissing = true)
	LocalDispatchTriggers localDispatchTriggers(LocalProcessDispatcher dispatcher) {
		return new LocalDispatchTriggers(dispatcher);
	}

	@Bean
	@ConditionalOnProperty(prefix = "studio.executor.local", name = "enabled", havingValue = "true", matchIfMissing = true)
	LocalProcessDispatcher localProcessDispatcher(AttemptLedger ledger, ExecutorProperties properties,
			RunProperties runProperties, StudioProperties studio, DataSource dataSource) throws java.sql.SQLException {
		if (!dataSource.isWrapperFor(HikariDataSource.class)) {
			throw new IllegalStateException("the local dispatcher needs a Hikari DataSource to pass its URL to workers");
		}
		HikariDataSource hikari = dataSource.unwrap(HikariDataSource.class);
		WorkerLaunch launch = WorkerLaunch.forCurrentJvm(properties.local(), workerSettings(properties, runProperties, studio),
				WorkerLaunch.databaseEnvironment(hikari.getJdbcUrl(), String.valueOf(hikari.getUsername()),
						hikari.getPassword() == null ? "" : hikari.getPassword()));
		return new LocalProcessDispatcher(ledger, launch, new FailureClassifier(properties.fatalExitCodes()),
				properties.local().maxWorkers(), properties.heartbeat(), properties.pollInterval(), properties.preemptGrace(),
				properties.local().gpuList());
	}

	/** The settings a worker process must share with this application. */
	static Map<String, String> workerSettings(ExecutorProperties p, RunProperties runs, StudioProperties studio) {
		Map<String, String> settings = new LinkedHashMap<>();
		settings.put("studio.data-dir", studio.dataDir().toAbsolutePath().toString());
		settings.put("studio.runs.lease", runs.lease().toString());
		settings.put("studio.executor.heartbeat", p.heartbeat().toString());
		settings.put("studio.executor.poll-interval", p.pollInterval().toString());
		settings.put("studio.executor.retry-base", p.retryBase().toString());
		settings.put("studio.executor.retry-max", p.retryMax().toString());
		settings.put("studio.executor.fatal-exit-codes",
				p.fatalExitCodes().stream().map(String::valueOf).collect(Collectors.joining(",")));
		settings.put("studio.executor.trainer", p.trainer());
		settings.put("studio.executor.fake", p.fake());
		settings.put("studio.executor.preempt-grace", p.preemptGrace().toString());
		settings.put("studio.executor.device", p.device());
		if (DeviceCheck.enabled()) {
			// a debugging application debugs its workers too
			settings.put(DeviceCheck.PROPERTY, "true");
		}
		return settings;
	}

}
