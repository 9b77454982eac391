package dev.vlmr1.studio.demo.worker;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The worker process is a plain main: nothing in {@code demo.worker} may pull in Spring, servlets or JPA (it runs
 * without an application context), nor the web side of the demo module.
 */
class WorkerArchitectureTests {

	@Test
	void theWorkerPackageIsPlainJava() {
		noClasses().that()
			.resideInAPackage("dev.vlmr1.studio.demo.worker..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework..", "jakarta..", "dev.vlmr1.studio.demo", "dev.vlmr1.studio.web..",
					"dev.vlmr1.studio.catalog..", "dev.vlmr1.studio.security..")
			.check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
				.importPackages("dev.vlmr1.studio.demo.worker"));
	}

}
