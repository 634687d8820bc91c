package io.cgiguard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The packages are the request's path (docs/architecture.md): dependencies go one way, each
 * package does one job, Jetty types stay in {@code http} and {@code load}, JNA in
 * {@code launch.posix}, only the planning layer reads the configuration on behalf of the
 * decisions below it, and markup and JSON are escaped in one place, {@code text}.
 */
class ArchitectureTest {

  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.cgiguard");

  private static final String HTTP = "io.cgiguard.http..";
  private static final String CLI = "io.cgiguard.cli..";
  private static final String CONFIG = "io.cgiguard.config..";
  private static final String CGI = "io.cgiguard.cgi..";
  private static final String LAUNCH = "io.cgiguard.launch..";
  private static final String OBSERVE = "io.cgiguard.observe..";
  private static final String LOAD = "io.cgiguard.load..";
  private static final String IIS = "io.cgiguard.iis..";
  private static final String PLAN = "io.cgiguard.plan..";
  private static final String ADMISSION = "io.cgiguard.admission..";
  private static final String ATTEMPT = "io.cgiguard.attempt..";
  private static final String FAILURE = "io.cgiguard.failure..";
  private static final String DIAGNOSE = "io.cgiguard.diagnose..";
  private static final String RENDER = "io.cgiguard.render..";
  private static final String TEXT = "io.cgiguard.text..";
  private static final String FASTCGI = "io.cgiguard.fastcgi..";

  /** The layers that decide and render without knowing who serves the request. */
  private static final String[] DECISIONS = {ADMISSION, ATTEMPT, FAILURE, DIAGNOSE, RENDER, TEXT};

  @Test
  void jettyOnlyInHttpAndLoad() {
    noClasses().that().resideOutsideOfPackages(HTTP, LOAD)
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
    noClasses().that().resideOutsideOfPackage(CLI)
        .should().dependOnClassesThat().resideInAPackage(CLI)
        .check(MAIN);
  }

  @Test
  void fastCgiProtocolKnowsNothingButItsRecordsAndOnlyHttpUsesIt() {
    noClasses().that().resideInAPackage(FASTCGI)
        .should().dependOnClassesThat().resideOutsideOfPackages(FASTCGI, "java..")
        .check(MAIN);
    noClasses().that().resideOutsideOfPackages(FASTCGI, HTTP)
        .should().dependOnClassesThat().resideInAPackage(FASTCGI)
        .check(MAIN);
  }

  @Test
  void cgiIsPure() {
    noClasses().that().resideInAPackage(CGI)
        .should().dependOnClassesThat().resideInAnyPackage(HTTP, PLAN, ADMISSION, ATTEMPT,
            FAILURE, DIAGNOSE, RENDER, TEXT, LAUNCH, CONFIG, OBSERVE, LOAD, IIS)
        .check(MAIN);
  }

  @Test
  void launchKnowsNoHttpNorWhatRunsAboveIt() {
    noClasses().that().resideInAPackage(LAUNCH)
        .should().dependOnClassesThat().resideInAnyPackage(HTTP, PLAN, ADMISSION, ATTEMPT,
            FAILURE, DIAGNOSE, RENDER, TEXT, CGI, CONFIG, OBSERVE, LOAD, IIS)
        .check(MAIN);
  }

  @Test
  void configKnowsOnlyTheFailureVocabulary() {
    noClasses().that().resideInAPackage(CONFIG)
        .should().dependOnClassesThat().resideInAnyPackage(HTTP, PLAN, ADMISSION, ATTEMPT,
            DIAGNOSE, RENDER, TEXT, CGI, LAUNCH, OBSERVE, LOAD, IIS)
        .check(MAIN);
  }

  @Test
  void decisionsAndObserveDoNotReachUpIntoTheServer() {
    noClasses().that().resideInAnyPackage(ADMISSION, ATTEMPT, FAILURE, DIAGNOSE, RENDER, TEXT,
            OBSERVE)
        .should().dependOnClassesThat().resideInAnyPackage(HTTP, LOAD, IIS,
            "io.cgiguard.launch.posix..")
        .check(MAIN);
  }

  @Test
  void onlyPlanningReadsTheConfigurationForTheDecisions() {
    noClasses().that().resideInAnyPackage(DECISIONS)
        .should().dependOnClassesThat().resideInAnyPackage(CONFIG, PLAN)
        .check(MAIN);
  }

  @Test
  void theFailureVocabularyDependsOnNothingAboveTheLauncher() {
    noClasses().that().resideInAPackage(FAILURE)
        .should().dependOnClassesThat().resideInAnyPackage(ADMISSION, ATTEMPT, DIAGNOSE, RENDER,
            TEXT, CGI, CONFIG, PLAN, HTTP, OBSERVE, LOAD, IIS)
        .check(MAIN);
  }

  @Test
  void pagesAreEscapedByTheOneEscaperAndWrittenByTheOneJsonWriter() {
    noClasses().that().resideOutsideOfPackage(TEXT)
        .should().dependOnClassesThat().haveFullyQualifiedName(
            "com.google.common.html.HtmlEscapers")
        .orShould().dependOnClassesThat().haveFullyQualifiedName(
            "com.fasterxml.jackson.core.io.CharacterEscapes")
        .check(MAIN);
  }

  @Test
  void textDependsOnNoOtherPackageOfTheGateway() {
    noClasses().that().resideInAPackage(TEXT)
        .should().dependOnClassesThat().resideInAnyPackage(ADMISSION, ATTEMPT, FAILURE, DIAGNOSE,
            RENDER, PLAN, CGI, LAUNCH, CONFIG, OBSERVE, HTTP, LOAD, IIS)
        .check(MAIN);
  }

  @Test
  void admissionDecidesFromFactsAlone() {
    noClasses().that().resideInAPackage(ADMISSION)
        .should().dependOnClassesThat().resideInAnyPackage(ATTEMPT, DIAGNOSE, RENDER, TEXT, CGI)
        .check(MAIN);
  }

  @Test
  void diagnosisNeitherRunsAttemptsNorRendersPages() {
    noClasses().that().resideInAPackage(DIAGNOSE)
        .should().dependOnClassesThat().resideInAnyPackage(ADMISSION, ATTEMPT, RENDER)
        .check(MAIN);
  }

  @Test
  void theAttemptLoopNeitherDiagnosesNorRenders() {
    noClasses().that().resideInAPackage(ATTEMPT)
        .should().dependOnClassesThat().resideInAnyPackage(DIAGNOSE, RENDER, TEXT)
        .check(MAIN);
  }

  @Test
  void renderingAdmitsAndLaunchesNothing() {
    noClasses().that().resideInAPackage(RENDER)
        .should().dependOnClassesThat().resideInAnyPackage(ADMISSION, CGI)
        .check(MAIN);
  }
}
