package io.cgiguard.guard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The guard decides; it must not reach up into HTTP or down into the native launcher. */
class GuardDependenciesTest {

  private static final JavaClasses GUARD = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.cgiguard.guard");

  @Test
  void guardKnowsNeitherJettyNorJnaNorTheLayersAroundIt() {
    noClasses().that().resideInAPackage("io.cgiguard.guard..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "org.eclipse.jetty..", "com.sun.jna..", "io.cgiguard.http..", "io.cgiguard.cli..",
            "io.cgiguard.launch.posix..", "io.cgiguard.load..")
        .check(GUARD);
  }
}
