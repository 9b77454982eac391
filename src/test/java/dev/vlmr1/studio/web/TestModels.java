package dev.vlmr1.studio.web;

import java.nio.file.Path;

import org.springframework.context.ApplicationContext;

import dev.vlmr1.studio.catalog.ModelCatalog;

/** Where integration tests put checkpoints that users register by path (the tests' import root). */
public final class TestModels {

	private TestModels() {
	}

	/** The first configured {@code studio.models.import-roots} (see the tests' application.properties). */
	public static Path importRoot(ApplicationContext context) {
		return context.getBean(ModelCatalog.class).importRoots().get(0);
	}

}
