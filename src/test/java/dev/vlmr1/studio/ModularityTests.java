package dev.vlmr1.studio;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

import dev.vlmr1.studio.executor.TrainingJobProvider;
import dev.vlmr1.studio.train.RewardScorer;
import dev.vlmr1.studio.train.TrainingSample;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The architecture of PRODUCT.md, enforced: each top-level package is a Spring Modulith application module that may
 * use only the modules its {@code package-info} allows and only their published types; the ML libraries are plain
 * Java + DJL, usable from a {@code main} (Modulith's annotations on their packages are metadata, not a runtime
 * dependency), and {@code model} stands on its own.
 */
class ModularityTests {

	static final JavaClasses CLASSES = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.vlmr1.studio");

	@Test
	void everyModuleUsesOnlyTheModulesItAllowsAndTheirPublishedTypesWithoutCycles() {
		ApplicationModules.of(StudioApplication.class).verify();
	}

	@Test
	void theApplicationShipsNoScriptedTrainer() {
		noClasses().should()
			.implement(TrainingJobProvider.class)
			.because("the tests' scripted trainer can halt its JVM on cue; a deployed platform must not reach one")
			.allowEmptyShould(true)
			.check(CLASSES);
	}

	@Test
	void machineLearningLibrariesDoNotUseSpringOrJpa() {
		noClasses().that()
			.resideInAnyPackage("..studio.model..", "..studio.train..", "..studio.synth..", "..studio.experiment..",
					"..studio.plan..")
			.or()
			.resideInAnyPackage("dev.vlmr1.studio.reward", "dev.vlmr1.studio.eval")
			.should()
			.dependOnClassesThat(resideInAnyPackage("org.springframework..", "jakarta.persistence..", "jakarta.servlet..")
				.and(not(resideInAPackage("org.springframework.modulith"))))
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
					"org.jspecify..", "org.springframework.modulith")
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
					"com.fasterxml.jackson..", "org.jspecify..", "org.springframework.modulith")
			.allowEmptyShould(true)
			.check(CLASSES);
	}

	@Test
	void rewardLibraryUsesOnlyTheJdkJacksonAndTheTrainersScorerInterface() {
		noClasses().that()
			.resideInAPackage("dev.vlmr1.studio.reward")
			.should()
			// the one adapter, RewardScorers, implements the trainer's scoring interface and reads its samples
			.dependOnClassesThat(resideOutsideOfPackages("dev.vlmr1.studio.reward", "java..", "com.fasterxml.jackson..",
					"org.jspecify..", "org.springframework.modulith")
				.and(not(belongToAnyOf(RewardScorer.class, TrainingSample.class))))
			.allowEmptyShould(true)
			.check(CLASSES);
	}

}
