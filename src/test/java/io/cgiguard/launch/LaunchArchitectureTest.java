package io.cgiguard.launch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** JNA stays in {@code launch.posix}; the launcher knows nothing of HTTP (docs/architecture.md). */
class LaunchArchitectureTest {
  private static final JavaClasses LAUNCH =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.cgiguard.launch");

  @Test
  void jnaOnlyInThePosixPackage() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.cgiguard.launch.posix..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("com.sun.jna..")
        .check(LAUNCH);
  }

  @Test
  void launchKnowsNothingOfHttp() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.eclipse.jetty..", "io.cgiguard.http..",
            "io.cgiguard.admission..", "io.cgiguard.attempt..", "io.cgiguard.diagnose..",
            "io.cgiguard.failure..", "io.cgiguard.plan..", "io.cgiguard.render..",
            "io.cgiguard.text..")
        .check(LAUNCH);
  }
}
