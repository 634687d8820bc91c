package io.cgiguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README stays a front door, every link in the documentation leads somewhere, and
 * docs/configuration.md names exactly the keys that conf/cgiguard.toml ships.
 */
class DocumentationTest {

  private static final Path PROJECT = Path.of(System.getProperty("cgiguard.project.dir", "."));
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} (.+)$");
  private static final Pattern TOML_SECTION =
      Pattern.compile("^#?\\s*\\[\\[?([a-z][a-z.-]*)\\]\\]?\\s*(#.*)?$");
  private static final Pattern TOML_KEY = Pattern.compile("^#?\\s*(\"[^\"]+\"|[a-z][a-z0-9-]*)\\s*=");
  private static final Pattern DOC_SECTION = Pattern.compile("(?m)^## `\\[\\[?([a-z][a-z.-]*)\\]\\]?`\\s*$");
  private static final Pattern DOC_KEY_ROW = Pattern.compile("(?m)^\\| `([^`]+)` \\|");

  @Test
  void readmeIsAFrontDoorUnderTwoHundredLines() throws IOException {
    assertThat(Files.readAllLines(PROJECT.resolve("README.md"))).hasSizeLessThan(200);
  }

  @Test
  void everyRelativeLinkLeadsToAFileAndHeadingThatExist() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path page : pages()) {
      Matcher link = LINK.matcher(Files.readString(page));
      while (link.find()) {
        String target = link.group(1);
        if (target.matches("[a-z]+:.*")) {
          continue;
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
          broken.add(PROJECT.relativize(page) + ": " + target + " (no such file)");
        } else if (hash >= 0 && !anchors(resolved).contains(target.substring(hash + 1))) {
          broken.add(PROJECT.relativize(page) + ": " + target + " (no such heading)");
        }
      }
    }
    assertThat(broken).as("links in README.md and docs/").isEmpty();
  }

  @Test
  void configurationPageNamesEveryShippedKeyAndNoOther() throws IOException {
    Map<String, Set<String>> shipped = shippedKeys();
    Map<String, Set<String>> documented = documentedKeys();
    assertThat(shipped).as("sections of conf/cgiguard.toml").containsKeys("server", "mount",
        "mount.handler", "timeouts", "admin");
    assertThat(documented.keySet()).as("sections of docs/configuration.md")
        .containsExactlyInAnyOrderElementsOf(shipped.keySet());
    shipped.forEach((section, keys) -> assertThat(documented.get(section))
        .as("keys of [%s] in docs/configuration.md", section)
        .containsExactlyInAnyOrderElementsOf(keys));
  }

  /** Keys of conf/cgiguard.toml by section, set or shown in a comment as an example. */
  private static Map<String, Set<String>> shippedKeys() throws IOException {
    Map<String, Set<String>> keys = new LinkedHashMap<>();
    String section = null;
    for (String line : Files.readAllLines(PROJECT.resolve("conf/cgiguard.toml"))) {
      Matcher header = TOML_SECTION.matcher(line);
      Matcher key = TOML_KEY.matcher(line);
      if (header.matches()) {
        section = header.group(1);
        keys.putIfAbsent(section, new LinkedHashSet<>());
      } else if (section != null && key.find()) {
        keys.get(section).add(key.group(1));
      }
    }
    return keys;
  }

  /** Keys in the first column of each {@code ## `[section]`} table of docs/configuration.md. */
  private static Map<String, Set<String>> documentedKeys() throws IOException {
    String page = Files.readString(PROJECT.resolve("docs/configuration.md"));
    Map<String, Set<String>> keys = new LinkedHashMap<>();
    Matcher section = DOC_SECTION.matcher(page);
    List<Integer> starts = new ArrayList<>();
    List<String> names = new ArrayList<>();
    while (section.find()) {
      starts.add(section.end());
      names.add(section.group(1));
    }
    for (int i = 0; i < names.size(); i++) {
      int end = i + 1 < starts.size() ? page.lastIndexOf("\n## ", starts.get(i + 1)) : page.length();
      Matcher row = DOC_KEY_ROW.matcher(page.substring(starts.get(i), end));
      Set<String> rows = keys.computeIfAbsent(names.get(i), n -> new LinkedHashSet<>());
      while (row.find()) {
        rows.add(row.group(1));
      }
    }
    return keys;
  }

  private static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(PROJECT.resolve("README.md")));
    try (Stream<Path> docs = Files.list(PROJECT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }

  /** GitHub's anchors: headings lower-cased, punctuation dropped, spaces to hyphens. */
  private static Set<String> anchors(Path file) {
    Set<String> anchors = new LinkedHashSet<>();
    if (!file.toString().endsWith(".md")) {
      return anchors;
    }
    try {
      Matcher heading = HEADING.matcher(Files.readString(file));
      while (heading.find()) {
        anchors.add(heading.group(1).trim().toLowerCase(Locale.ROOT)
            .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return anchors;
  }
}
