package io.cgiguard.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The cause table in {@code docs/diagnosis.md} is the one the code diagnoses with. */
class DiagnosisDocsTest {

  @Test
  void documentedCauseTableIsTheCodesTable() throws Exception {
    Path project = Path.of(System.getProperty("cgiguard.project.dir", "."));
    String docs = Files.readString(project.resolve("docs/diagnosis.md"));
    String table = docs.substring(docs.indexOf("<!-- causes:begin -->\n") + 22,
        docs.indexOf("<!-- causes:end -->"));

    assertThat(table.strip()).isEqualTo(Cause.markdownTable().strip());
  }
}
