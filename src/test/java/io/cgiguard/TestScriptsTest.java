package io.cgiguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The fixtures stay grouped by behaviour, one script per behaviour. */
class TestScriptsTest {

  @Test
  void everyBehaviourDirectoryExistsAndHoldsScripts() throws IOException {
    for (String behaviour : TestScripts.BEHAVIOURS) {
      try (Stream<Path> files = Files.list(TestScripts.path(behaviour))) {
        assertThat(files.filter(Files::isRegularFile)).as(behaviour).isNotEmpty();
      }
    }
  }

  @Test
  void noTwoFixturesAreTheSameScript() throws IOException, NoSuchAlgorithmException {
    Map<String, List<String>> byContent = new TreeMap<>();
    for (String behaviour : TestScripts.BEHAVIOURS) {
      try (Stream<Path> files = Files.walk(TestScripts.path(behaviour))) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          String digest = Digests.sha256(Files.readAllBytes(file));
          byContent.computeIfAbsent(digest, d -> new ArrayList<>())
              .add(TestScripts.ROOT.relativize(file).toString());
        }
      }
    }
    assertThat(byContent.values()).as("fixtures with identical bytes: keep one of each")
        .allSatisfy(paths -> assertThat(paths).hasSize(1));
  }
}
