package io.cgiguard.iis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CollectionMergeTest {

  /**
   * Inherited keys, this scope's ops ("+k" add, "-k" remove, "!" clear), append or prepend,
   * and the expected keys.
   */
  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of("a b", "+c", true, "a b c"),
        Arguments.of("a b", "+c", false, "c a b"),
        Arguments.of("a b", "+c +d", false, "c d a b"),
        Arguments.of("a b", "-a", true, "b"),
        Arguments.of("a b", "-A", true, "b"),
        Arguments.of("a b", "-x", true, "a b"),
        Arguments.of("a b", "!", true, ""),
        Arguments.of("a b", "! +c", false, "c"),
        Arguments.of("a b", "+c ! +d", true, "d"),
        Arguments.of("a b", "+c -c", false, "a b"),
        Arguments.of("a b", "-a +a", true, "b a"),
        Arguments.of("a b", "-a +a", false, "a b"),
        Arguments.of("", "+a +b", true, "a b"));
  }

  @ParameterizedTest(name = "[{0}] then {1}, append={2} -> [{3}]")
  @MethodSource("table")
  void appliesClearRemoveAndAddInDocumentOrder(String inherited, String ops, boolean append,
      String expected) throws IisImportException {
    CollectionMerge.Merged merged = CollectionMerge.apply(entries(inherited), ops(ops), append);

    assertThat(merged.entries()).extracting(CollectionEntry::key)
        .containsExactlyElementsOf(words(expected));
  }

  @Test
  void reportsWhatAClearDropped() throws IisImportException {
    CollectionMerge.Merged merged = CollectionMerge.apply(entries("a b"), ops("+c !"), true);

    assertThat(merged.dropped()).extracting(CollectionEntry::key).containsExactly("a", "b", "c");
  }

  @Test
  void refusesADuplicateAddAsIisDoes() {
    assertThatThrownBy(() -> CollectionMerge.apply(entries("Perl"), ops("+perl"), false))
        .isInstanceOf(IisImportException.class)
        .hasMessageContaining("duplicate collection entry 'perl'")
        .hasMessageContaining("500.19");
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void mergesTensOfThousandsOfEntriesInLinearTime() throws IisImportException {
    int n = 50_000;
    List<CollectionEntry> inherited = new ArrayList<>();
    List<CollectionOp> ops = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      inherited.add(entry("Inherited" + i));
      ops.add(new CollectionOp.Add(entry("Added" + i)));
      if (i % 2 == 0) {
        ops.add(new CollectionOp.Remove("INHERITED" + i));
      }
    }

    CollectionMerge.Merged merged = CollectionMerge.apply(inherited, ops, false);

    assertThat(merged.entries()).hasSize(n + n / 2);
    assertThat(merged.entries().get(0).key()).isEqualTo("Added0");
    assertThat(merged.entries().get(n).key()).isEqualTo("Inherited1");
    assertThat(merged.dropped()).hasSize(n / 2);
  }

  private static List<String> words(String s) {
    return s.isBlank() ? List.of() : Arrays.asList(s.trim().split(" +"));
  }

  private static List<CollectionEntry> entries(String keys) {
    return words(keys).stream().map(CollectionMergeTest::entry).toList();
  }

  private static CollectionEntry entry(String key) {
    return new CollectionEntry(key, Map.of("name", key), "test", null);
  }

  private static List<CollectionOp> ops(String ops) {
    List<CollectionOp> list = new ArrayList<>();
    for (String op : words(ops)) {
      switch (op.charAt(0)) {
        case '+' -> list.add(new CollectionOp.Add(entry(op.substring(1))));
        case '-' -> list.add(new CollectionOp.Remove(op.substring(1)));
        default -> list.add(new CollectionOp.Clear());
      }
    }
    return list;
  }
}
