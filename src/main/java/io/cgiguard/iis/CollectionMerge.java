package io.cgiguard.iis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * IIS's collection semantics for one scope, as a pure function: the entries inherited from the
 * parent scopes, then this scope's {@code clear}, {@code remove} and {@code add} in document order.
 *
 * <p>Most IIS collections append a scope's new entries after the inherited ones; a few, the
 * {@code handlers} and {@code defaultDocument/files} among them, are declared
 * {@code mergeAppend="false"} in IIS's schema and put them in front, which is why a
 * {@code web.config} handler wins over an inherited one for the same path.
 */
public final class CollectionMerge {

  /** The entries in effect after the scope, and the inherited ones it cleared or removed. */
  public record Merged(List<CollectionEntry> entries, List<CollectionEntry> dropped) {}

  private CollectionMerge() {}

  /**
   * Applies {@code ops} to {@code inherited}.
   *
   * @param append true to add after the inherited entries, false to add in front of them
   * @throws IisImportException for an {@code add} of a key already present, which IIS refuses
   *     with error 500.19 rather than resolving
   */
  public static Merged apply(List<CollectionEntry> inherited, List<CollectionOp> ops,
      boolean append) throws IisImportException {
    // Indexed by the lower-cased key, in insertion order: each operation costs one lookup, so a
    // collection of n entries merges in linear time (IIS's own list has hundreds of mimeMaps).
    Map<String, CollectionEntry> kept = new LinkedHashMap<>();
    for (CollectionEntry entry : inherited) {
      kept.putIfAbsent(lower(entry.key()), entry);
    }
    Map<String, CollectionEntry> added = new LinkedHashMap<>();
    List<CollectionEntry> dropped = new ArrayList<>();
    for (CollectionOp op : ops) {
      if (op instanceof CollectionOp.Clear) {
        dropped.addAll(kept.values());
        dropped.addAll(added.values());
        kept.clear();
        added.clear();
      } else if (op instanceof CollectionOp.Remove remove) {
        String key = lower(remove.key());
        CollectionEntry removed = kept.remove(key);
        if (removed != null) {
          dropped.add(removed);
        }
        removed = added.remove(key);
        if (removed != null) {
          dropped.add(removed);
        }
      } else if (op instanceof CollectionOp.Add add) {
        CollectionEntry entry = add.entry();
        String key = lower(entry.key());
        if (kept.containsKey(key) || added.containsKey(key)) {
          throw new IisImportException(entry.origin() + ": cannot add duplicate collection entry '"
              + entry.key() + "' (IIS refuses this configuration with error 500.19; "
              + "<remove> it first)");
        }
        added.put(key, entry);
      }
    }
    List<CollectionEntry> entries = new ArrayList<>(kept.size() + added.size());
    if (append) {
      entries.addAll(kept.values());
      entries.addAll(added.values());
    } else {
      entries.addAll(added.values());
      entries.addAll(kept.values());
    }
    return new Merged(List.copyOf(entries), List.copyOf(dropped));
  }

  private static String lower(String key) {
    return key.toLowerCase(Locale.ROOT);
  }
}
