package io.cgiguard.observe;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The package serves the gateway from the side: it must not know Jetty or the request's path. */
class ObserveBoundaryTest {

  private static final JavaClasses OBSERVE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.cgiguard.observe");

  @Test
  void knowsNeitherJettyNorTheOtherPackagesButTheSharedText() {
    noClasses()
        .that().resideInAPackage("io.cgiguard.observe..")
        .should().dependOnClassesThat()
        .resideInAnyPackage("org.eclipse.jetty..", "io.cgiguard.http..", "io.cgiguard.admission..",
            "io.cgiguard.attempt..", "io.cgiguard.diagnose..", "io.cgiguard.failure..",
            "io.cgiguard.plan..", "io.cgiguard.render..", "io.cgiguard.launch..", "io.cgiguard.cgi..", "io.cgiguard.cli..",
            "io.cgiguard.config..", "io.cgiguard.load..", "com.sun.jna..")
        .check(OBSERVE);
  }
}
