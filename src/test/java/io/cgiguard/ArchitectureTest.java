package io.cgiguard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The packages are the request's path (DESIGN.md): dependencies go one way, Jetty types stay in
 * {@code http} and {@code load}, JNA in {@code launch.posix}.
 */
class ArchitectureTest {

  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.cgiguard");

  @Test
  void jettyOnlyInHttpAndLoad() {
    noClasses().that().resideOutsideOfPackages("io.cgiguard.http..", "io.cgiguard.load..")
        .should().dependOnClassesThat().resideInAPackage("org.eclipse.jetty..")
        .check(MAIN);
  }

  @Test
  void jnaOnlyInTheNativeLauncher() {
    noClasses().that().resideOutsideOfPackage("io.cgiguard.launch.posix..")
        .should().dependOnClassesThat().resideInAPackage("com.sun.jna..")
        .check(MAIN);
  }

  @Test
  void nothingDependsOnTheCommandLine() {
    noClasses().that().resideOutsideOfPackage("io.cgiguard.cli..")
        .should().dependOnClassesThat().resideInAPackage("io.cgiguard.cli..")
        .check(MAIN);
  }

  @Test
  void cgiIsPure() {
    noClasses().that().resideInAPackage("io.cgiguard.cgi..")
        .should().dependOnClassesThat().resideInAnyPackage("io.cgiguard.http..",
            "io.cgiguard.admission..", "io.cgiguard.attempt..", "io.cgiguard.diagnose..", "io.cgiguard.failure..", "io.cgiguard.plan..", "io.cgiguard.render..", "io.cgiguard.text..", "io.cgiguard.launch..", "io.cgiguard.config..",
            "io.cgiguard.observe..", "io.cgiguard.load..", "io.cgiguard.iis..")
        .check(MAIN);
  }

  @Test
  void launchKnowsNoHttpNorWhatRunsAboveIt() {
    noClasses().that().resideInAPackage("io.cgiguard.launch..")
        .should().dependOnClassesThat().resideInAnyPackage("io.cgiguard.http..",
            "io.cgiguard.admission..", "io.cgiguard.attempt..", "io.cgiguard.diagnose..", "io.cgiguard.failure..", "io.cgiguard.plan..", "io.cgiguard.render..", "io.cgiguard.text..", "io.cgiguard.cgi..", "io.cgiguard.config..",
            "io.cgiguard.observe..", "io.cgiguard.load..", "io.cgiguard.iis..")
        .check(MAIN);
  }

  @Test
  void configIsALeaf() {
    noClasses().that().resideInAPackage("io.cgiguard.config..")
        .should().dependOnClassesThat().resideInAnyPackage("io.cgiguard.http..",
            "io.cgiguard.admission..", "io.cgiguard.attempt..", "io.cgiguard.diagnose..", "io.cgiguard.failure..", "io.cgiguard.plan..", "io.cgiguard.render..", "io.cgiguard.text..", "io.cgiguard.cgi..", "io.cgiguard.launch..",
            "io.cgiguard.observe..", "io.cgiguard.load..", "io.cgiguard.iis..")
        .check(MAIN);
  }

  @Test
  void guardAndObserveDoNotReachUpIntoHttp() {
    noClasses().that().resideInAnyPackage("io.cgiguard.admission..", "io.cgiguard.attempt..", "io.cgiguard.diagnose..", "io.cgiguard.failure..", "io.cgiguard.plan..", "io.cgiguard.render..", "io.cgiguard.text..", "io.cgiguard.observe..")
        .should().dependOnClassesThat().resideInAnyPackage("io.cgiguard.http..",
            "io.cgiguard.load..", "io.cgiguard.iis..")
        .check(MAIN);
  }
}
