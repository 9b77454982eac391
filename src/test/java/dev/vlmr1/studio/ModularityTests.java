package dev.vlmr1.studio;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The architecture of PRODUCT.md, enforced: the ML libraries are plain Java + DJL, usable from a {@code main}, and
 * {@code model} stands on its own.
 */
class ModularityTests {

	static final JavaClasses CLASSES = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.vlmr1.studio");

	@Test
	void machineLearningLibrariesDoNotUseSpringOrJpa() {
		noClasses().that()
			.resideInAnyPackage("..studio.model..", "..studio.train..", "..studio.synth..", "..studio.experiment..",
					"..studio.plan..")
			.or()
			.resideInAnyPackage("dev.vlmr1.studio.reward", "dev.vlmr1.studio.eval")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework..", "jakarta.persistence..", "jakarta.servlet..")
			.allowEmptyShould(true)
			.check(CLASSES);
	}

	@Test
	void modelDependsOnNoOtherStudioModule() {
		noClasses().that()
			.resideInAPackage("dev.vlmr1.studio.model..")
			.should()
			.dependOnClassesThat()
			.resideOutsideOfPackages("dev.vlmr1.studio.model..", "java..", "javax..", "ai.djl..", "com.fasterxml.jackson..",
					"org.jspecify..")
			.allowEmptyShould(true)
			.check(CLASSES);
	}

	@Test
	void memoryPlanStandsOnTheModelConfigurationAlone() {
		noClasses().that()
			.resideInAPackage("dev.vlmr1.studio.plan..")
			.should()
			.dependOnClassesThat()
			.resideOutsideOfPackages("dev.vlmr1.studio.plan..", "dev.vlmr1.studio.model..", "java..",
					"com.fasterxml.jackson..", "org.jspecify..")
			.allowEmptyShould(true)
			.check(CLASSES);
	}

	@Test
	void rewardLibraryUsesOnlyTheJdkAndJackson() {
		noClasses().that()
			.resideInAPackage("dev.vlmr1.studio.reward")
			.should()
			.dependOnClassesThat()
			.resideOutsideOfPackages("dev.vlmr1.studio.reward", "java..", "com.fasterxml.jackson..", "org.jspecify..")
			.allowEmptyShould(true)
			.check(CLASSES);
	}

}
