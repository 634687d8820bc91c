package io.cgiguard.config;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a reload checks besides what {@link ConfigLoader} validates: that the directories the new
 * configuration names are there for the running user, and which of its changes only a restart
 * can apply (the listener, the threads, the user, the bulkhead and the circuits are made once).
 *
 * <p>Which keys a reload applies is written here as a list of what may change; everything else,
 * including a section added later, counts as needing a restart, so a change is never silently
 * ignored.
 */
public final class ReloadCheck {

  /**
   * Sections that a reload applies in full (record components of {@link GatewayConfig});
   * {@code site} is {@code [static]} and {@code [iis-compat]}.
   */
  private static final Set<String> RELOADED_SECTIONS = Set.of("source", "mounts", "interpreters",
      "environment", "restrictions", "arguments", "timeouts", "retry", "response",
      "diagnostics", "admin", "site");
  /** Keys of sections that a reload applies in part; the other keys there need a restart. */
  private static final Set<String> RELOADED_KEYS = Set.of("server.docroot", "server.indexFiles",
      "server.localClients", "server.localHostNames", "server.drain", "concurrency.queueWait",
      "limits.cpu", "limits.addressSpaceBytes", "limits.openFiles", "limits.fileSizeBytes",
      "limits.coreSizeBytes", "limits.stderrTailBytes",
      "request.maxUrlLength", "request.maxQueryLength", "request.maxHeaderCount",
      "request.maxBodyBytes", "request.deniedExtensions", "request.hiddenSegments",
      "request.allowedExtensions", "request.denyUrlSequences", "fastcgi.allowedClients");

  /**
   * Keys whose record name is not the file's: the front door's keys live in [server] and [tls].
   * A key under one of these is named after it: {@code frontDoor.tls.port} is {@code tls.port}.
   */
  private static final Map<String, String> FILE_NAMES = Map.of(
      "frontDoor.accessLog.target", "server.access-log",
      "frontDoor.accessLog.format", "server.access-log-format",
      "frontDoor.trustedProxies", "server.trusted-proxies",
      "frontDoor.forwardedHeader", "server.forwarded-header", "frontDoor.h2c", "server.h2c",
      "frontDoor.tls", "tls");
  /** Values held in one record that the file writes as several keys, compared key by key. */
  private static final Set<String> SEVERAL_KEYS = Set.of("frontDoor.accessLog", "frontDoor.tls");

  private ReloadCheck() {}

  /**
   * @return one line per key whose new value only a restart can apply, such as
   *     {@code server.port: 8080 -> 9090}; empty when the reload applies everything
   */
  public static List<String> restartNeeded(GatewayConfig running, GatewayConfig next) {
    List<String> changes = new ArrayList<>();
    for (RecordComponent section : GatewayConfig.class.getRecordComponents()) {
      String name = section.getName();
      if (RELOADED_SECTIONS.contains(name)) {
        continue;
      }
      Object before = read(section, running);
      Object after = read(section, next);
      if (before != null && before.getClass().isRecord()) {
        for (RecordComponent key : before.getClass().getRecordComponents()) {
          if (!RELOADED_KEYS.contains(name + "." + key.getName())) {
            compare(name + "." + key.getName(), read(key, before), read(key, after), changes);
          }
        }
      } else {
        compare(name, before, after, changes);
      }
    }
    return changes;
  }

  /**
   * @param flags the command-line flag that set a key instead of the file, by key:
   *     {@code mount[0].dir} to {@code --cgi-bin}
   * @return a problem for each mount directory and the document root that is missing or that the
   *     running user cannot read and search, with the line of its key in the file, or named by
   *     the flag that gave it
   */
  public static List<ConfigProblem> missingDirectories(GatewayConfig config,
      Map<String, String> flags) {
    KeyLines lines = keyLines(config.source());
    List<ConfigProblem> problems = new ArrayList<>();
    for (int i = 0; i < config.mounts().size(); i++) {
      GatewayConfig.Mount mount = config.mounts().get(i);
      checkDirectory("mount[" + i + "].dir", mount.dir(), lines, flags, problems);
    }
    config.server().docroot().ifPresent(
        docroot -> checkDirectory("server.docroot", docroot, lines, flags, problems));
    problems.sort((a, b) -> Integer.compare(a.line(), b.line()));
    return problems;
  }

  /**
   * @param flags as for {@link #missingDirectories}
   * @throws ConfigException with every problem {@link #missingDirectories} finds
   */
  public static void requireDirectories(GatewayConfig config, Map<String, String> flags)
      throws ConfigException {
    List<ConfigProblem> missing = missingDirectories(config, flags);
    if (!missing.isEmpty()) {
      throw new ConfigException(config.sourceName(), missing);
    }
  }

  private static void checkDirectory(String key, Path dir, KeyLines lines,
      Map<String, String> flags, List<ConfigProblem> problems) {
    String named = flags.getOrDefault(key, key);
    int line = flags.containsKey(key) ? 0 : lines.lineOf(key);
    if (!Files.isDirectory(dir)) {
      problems.add(new ConfigProblem(named, line, dir + " does not exist or is not a directory"));
    } else if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
      problems.add(new ConfigProblem(named, line, "the gateway's user cannot read " + dir));
    }
  }

  private static KeyLines keyLines(java.util.Optional<Path> source) {
    if (source.isEmpty()) {
      return new KeyLines("");
    }
    try {
      return new KeyLines(Files.readString(source.get(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      // The loader has just read it; if it is gone now the problems simply carry no line.
      return new KeyLines("");
    }
  }

  private static void compare(String key, Object before, Object after, List<String> changes) {
    if (same(before, after)) {
      return;
    }
    Object was = present(before);
    Object is = present(after);
    if (SEVERAL_KEYS.contains(key) && was != null && is != null && was.getClass().isRecord()
        && was.getClass() == is.getClass()) {
      for (RecordComponent part : was.getClass().getRecordComponents()) {
        compare(key + "." + part.getName(), read(part, was), read(part, is), changes);
      }
      return;
    }
    String label = label(key);
    if (shown(before) && shown(after) && !label.contains("password")) {
      changes.add(label + ": " + text(before) + " -> " + text(after));
    } else {
      changes.add(label + ": changed");
    }
  }

  /** Equal values, comparing records key by key so that an array inside one compares by content. */
  private static boolean same(Object a, Object b) {
    if (a != null && b != null && a.getClass().isRecord() && a.getClass() == b.getClass()) {
      for (RecordComponent key : a.getClass().getRecordComponents()) {
        if (!same(read(key, a), read(key, b))) {
          return false;
        }
      }
      return true;
    }
    return Objects.deepEquals(a, b);
  }

  private static boolean shown(Object value) {
    return value instanceof Number || value instanceof Boolean || value instanceof String
        || value instanceof Duration;
  }

  private static String text(Object value) {
    if (value instanceof Duration d) {
      long millis = d.toMillis();
      return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
    return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
  }

  /** @return what an {@link java.util.Optional} holds, or null for an empty one */
  private static Object present(Object value) {
    return value instanceof java.util.Optional<?> optional ? optional.orElse(null) : value;
  }

  /** @return {@code key} as the file spells it */
  private static String label(String key) {
    if (FILE_NAMES.containsKey(key)) {
      return FILE_NAMES.get(key);
    }
    String parent = key.substring(0, Math.max(key.lastIndexOf('.'), 0));
    return FILE_NAMES.containsKey(parent)
        ? FILE_NAMES.get(parent) + kebab(key.substring(parent.length())) : kebab(key);
  }

  /** {@code server.maxThreads} → {@code server.max-threads}, as the file spells it. */
  private static String kebab(String key) {
    return key.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  private static Object read(RecordComponent component, Object record) {
    try {
      java.lang.reflect.Method accessor = component.getAccessor();
      accessor.trySetAccessible();
      return accessor.invoke(record);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + component.getName(), e);
    }
  }
}
