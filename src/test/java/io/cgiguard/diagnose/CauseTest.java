package io.cgiguard.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CauseTest {

  @Test
  void documentationTableIsTheCodesTable() throws IOException {
    Path docs = Path.of(System.getProperty("cgiguard.project.dir", "."), "docs", "causes.md");

    assertThat(Files.readString(docs))
        .as("docs/causes.md must end with Cause.markdownTable(); regenerate it")
        .endsWith(Cause.markdownTable());
  }

  @Test
  void everyCauseHasAUniqueIdATitleAnExplanationAndAFix() {
    assertThat(Arrays.stream(Cause.values()).map(Cause::id).distinct())
        .hasSize(Cause.values().length);
    for (Cause cause : Cause.values()) {
      assertThat(cause.id()).matches("[a-z]+(-[a-z]+)*");
      assertThat(cause.title()).isNotBlank();
      assertThat(cause.explanation()).isNotBlank();
      assertThat(cause.fix()).isNotBlank();
    }
  }

  @Test
  void everyFindingThatBreaksAScriptLeadsToACause() {
    for (Finding.Kind kind : Finding.Kind.values()) {
      assertThat(kind.cause().isPresent()).as(kind.name())
          .isEqualTo(kind != Finding.Kind.WORLD_WRITABLE);
    }
  }
}
