package io.cgiguard.iis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
    List<CollectionEntry> kept = new ArrayList<>(inherited);
    List<CollectionEntry> added = new ArrayList<>();
    List<CollectionEntry> dropped = new ArrayList<>();
    for (CollectionOp op : ops) {
      if (op instanceof CollectionOp.Clear) {
        dropped.addAll(kept);
        dropped.addAll(added);
        kept.clear();
        added.clear();
      } else if (op instanceof CollectionOp.Remove remove) {
        removeKey(kept, remove.key(), dropped);
        removeKey(added, remove.key(), dropped);
      } else if (op instanceof CollectionOp.Add add) {
        CollectionEntry entry = add.entry();
        if (indexOf(kept, entry.key()) >= 0 || indexOf(added, entry.key()) >= 0) {
          throw new IisImportException(entry.origin() + ": cannot add duplicate collection entry '"
              + entry.key() + "' (IIS refuses this configuration with error 500.19; "
              + "<remove> it first)");
        }
        added.add(entry);
      }
    }
    List<CollectionEntry> entries = new ArrayList<>();
    if (append) {
      entries.addAll(kept);
      entries.addAll(added);
    } else {
      entries.addAll(added);
      entries.addAll(kept);
    }
    return new Merged(List.copyOf(entries), List.copyOf(dropped));
  }

  private static void removeKey(List<CollectionEntry> list, String key,
      List<CollectionEntry> dropped) {
    int i = indexOf(list, key);
    if (i >= 0) {
      dropped.add(list.remove(i));
    }
  }

  private static int indexOf(List<CollectionEntry> list, String key) {
    String k = key.toLowerCase(Locale.ROOT);
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).key().toLowerCase(Locale.ROOT).equals(k)) {
        return i;
      }
    }
    return -1;
  }
}
