package io.cgiguard.iis;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * IIS's {@code handlers accessPolicy} and a handler's {@code requireAccess}: IIS disables, for a
 * folder, every handler whose required access is not among the folder's policy flags. That is how
 * an upload folder is locked down ({@code <handlers accessPolicy="Read"/>}): its files are read,
 * never run. A handler disabled at a folder is therefore not written for its mount.
 *
 * <p>The flags are those of IIS's schema, by name or as their numeric sum. The {@code NoRemote}
 * flags disable a handler for remote clients only; cgiguard cannot tell the two apart per
 * mapping, so such a handler is not written either, which refuses more rather than less.
 */
record AccessPolicy(Set<Flag> flags, String text) {

  /**
   * What IIS's setup writes to applicationHost.config; the schema's own default is "Read", but
   * no installed server runs without the shipped value unless a file sets another one.
   */
  static final String SHIPPED = "Read, Script";

  /** IIS's accessPolicy flags, with their values in IIS's schema. */
  enum Flag {
    READ(1), WRITE(2), EXECUTE(4), SOURCE(16), SCRIPT(512), NO_REMOTE_WRITE(1024),
    NO_REMOTE_READ(4096), NO_REMOTE_EXECUTE(8192), NO_REMOTE_SCRIPT(16384);

    final int value;

    Flag(int value) {
      this.value = value;
    }

    String iisName() {
      StringBuilder b = new StringBuilder();
      for (String part : name().split("_")) {
        b.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
      }
      return b.toString();
    }
  }

  /** Parses "Read, Script" or "513"; an unknown word grants nothing (it is ignored). */
  static AccessPolicy parse(String text) {
    Set<Flag> flags = EnumSet.noneOf(Flag.class);
    String trimmed = text.trim();
    if (trimmed.matches("\\d{1,9}")) {
      int value = Integer.parseInt(trimmed);
      for (Flag f : Flag.values()) {
        if ((value & f.value) != 0) {
          flags.add(f);
        }
      }
      return new AccessPolicy(flags, text);
    }
    for (String word : trimmed.split(",")) {
      String w = word.trim();
      for (Flag f : Flag.values()) {
        if (f.iisName().equalsIgnoreCase(w)) {
          flags.add(f);
        }
      }
    }
    return new AccessPolicy(flags, text);
  }

  /**
   * Why IIS does not run a handler of {@code requireAccess} under this policy, or empty when it
   * does. The schema's requireAccess values are None, Read, Write, Script and Execute (default
   * Script).
   */
  Optional<String> disables(String requireAccess) {
    String required = requireAccess.trim().isEmpty() ? "Script" : requireAccess.trim();
    Flag needed;
    Flag remote = null;
    switch (required.toLowerCase(Locale.ROOT)) {
      case "none", "0" -> {
        return Optional.empty();
      }
      case "read", "1" -> {
        needed = Flag.READ;
        remote = Flag.NO_REMOTE_READ;
      }
      case "write", "2" -> {
        needed = Flag.WRITE;
        remote = Flag.NO_REMOTE_WRITE;
      }
      case "script", "3" -> {
        needed = Flag.SCRIPT;
        remote = Flag.NO_REMOTE_SCRIPT;
      }
      case "execute", "4" -> {
        needed = Flag.EXECUTE;
        remote = Flag.NO_REMOTE_EXECUTE;
      }
      default -> {
        return Optional.of("its requireAccess '" + requireAccess + "' is not one IIS knows");
      }
    }
    if (!flags.contains(needed)) {
      return Optional.of("it requires " + needed.iisName() + " access, which accessPolicy \""
          + text.trim() + "\" does not grant");
    }
    if (flags.contains(remote)) {
      return Optional.of("accessPolicy \"" + text.trim() + "\" has " + remote.iisName()
          + ", which IIS applies to remote clients only; cgiguard cannot tell them apart");
    }
    return Optional.empty();
  }
}
