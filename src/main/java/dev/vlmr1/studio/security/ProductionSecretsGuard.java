package dev.vlmr1.studio.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;

/**
 * With the {@code prod} profile, refuses to start when a secret is missing or a well-known default: the admin
 * password ({@code STUDIO_ADMIN_PASSWORD}) and, for an external database, its password. It runs as a bean factory
 * post-processor, before any bean (database included) is created, so the failure is immediate and its message is
 * the first error in the log.
 */
final class ProductionSecretsGuard implements BeanFactoryPostProcessor {

	static final String PROFILE = "prod";

	private final Environment environment;

	ProductionSecretsGuard(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		if (!environment.acceptsProfiles(Profiles.of(PROFILE))) {
			return;
		}
		List<String> problems = new ArrayList<>();
		String adminPassword = environment.getProperty("studio.admin.password", "");
		if (adminPassword.isBlank()) {
			problems.add("the admin password is missing: set STUDIO_ADMIN_PASSWORD (at least "
					+ UserAccounts.MIN_PASSWORD_LENGTH + " characters)");
		}
		else {
			String weakness = UserAccounts.passwordWeakness(adminPassword);
			if (weakness != null) {
				problems.add("STUDIO_ADMIN_PASSWORD is not acceptable: " + weakness);
			}
		}
		String url = environment.getProperty("spring.datasource.url", "embedded");
		if (!"embedded".equals(url)) {
			String dbPassword = environment.getProperty("spring.datasource.password", "");
			if (dbPassword.isBlank() || List.of("postgres", "password", "changeme", "secret")
				.contains(dbPassword.toLowerCase(Locale.ROOT))) {
				problems.add("the database password is missing or a default: set SPRING_DATASOURCE_PASSWORD");
			}
		}
		if (!problems.isEmpty()) {
			throw new IllegalStateException(
					"Refusing to start with the 'prod' profile: " + String.join("; ", problems));
		}
	}

}
