package io.cgiguard.plan;

import io.cgiguard.config.GatewayConfig;
import io.cgiguard.config.ScriptProcessors;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Decides the argv that runs a script: the first IIS-style handler mapping whose pattern matches
 * the file name (it wins over the script's {@code #!} line, as in IIS), else the interpreter for the
 * file's extension, else the script itself. Always an array; never a shell string.
 *
 * <p>RFC 3875 section 4.4 search queries (a query without {@code =}) become arguments only when
 * the configuration enables it, only for words the allow pattern accepts, and never for
 * {@code .bat} or {@code .cmd} targets (CVE-2019-0232).
 */
public final class ScriptCommand {

  /** The argv, and the mapping that chose it (empty for an interpreter or a direct run). */
  public record Command(List<String> argv, Optional<GatewayConfig.HandlerMapping> mapping) {}

  private final Map<String, List<String>> interpreters;
  private final GatewayConfig.Arguments arguments;

  public ScriptCommand(Map<String, List<String>> interpreters, GatewayConfig.Arguments arguments) {
    this.interpreters = interpreters;
    this.arguments = arguments;
  }

  /** @return the mapping that runs {@code fileName} under {@code mount}, if any */
  public static Optional<GatewayConfig.HandlerMapping> mapping(GatewayConfig.Mount mount,
      String fileName) {
    return mount.handlers().stream().filter(h -> h.matches(fileName)).findFirst();
  }

  public Command build(GatewayConfig.Mount mount, Path script, String rawQuery) {
    String fileName = script.getFileName().toString();
    List<String> searchWords = searchWords(fileName, rawQuery);
    Optional<GatewayConfig.HandlerMapping> mapping = mapping(mount, fileName);
    if (mapping.isPresent() && !mapping.get().scriptProcessor().isEmpty()) {
      return new Command(fromTemplate(mapping.get().scriptProcessor(), script, searchWords),
          mapping);
    }
    List<String> argv = new ArrayList<>();
    interpreter(fileName).ifPresent(argv::addAll);
    argv.add(script.toString());
    argv.addAll(searchWords);
    return new Command(List.copyOf(argv), mapping);
  }

  private Optional<List<String>> interpreter(String fileName) {
    int dot = fileName.lastIndexOf('.');
    if (dot < 0) {
      return Optional.empty();
    }
    return Optional.ofNullable(interpreters.get(fileName.substring(dot).toLowerCase(Locale.ROOT)));
  }

  private static List<String> fromTemplate(List<String> template, Path script, List<String> words) {
    List<String> argv = new ArrayList<>();
    int placeholders = 0;
    for (String element : template) {
      if (!element.equals(ScriptProcessors.PLACEHOLDER)) {
        argv.add(element);
      } else if (placeholders++ == 0) {
        argv.add(script.toString());
      } else {
        argv.addAll(words);
      }
    }
    if (placeholders == 0) {
      argv.add(script.toString());
      argv.addAll(words);
    }
    return List.copyOf(argv);
  }

  /** RFC 3875 section 4.4: the words of a search query, when allowed; otherwise none. */
  private List<String> searchWords(String fileName, String rawQuery) {
    if (!arguments.searchQueries() || rawQuery == null || rawQuery.isEmpty()
        || rawQuery.contains("=")) {
      return List.of();
    }
    String lower = fileName.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".bat") || lower.endsWith(".cmd")) {
      return List.of();
    }
    List<String> words = new ArrayList<>();
    for (String word : rawQuery.split("\\+", -1)) {
      String decoded;
      try {
        decoded = URLDecoder.decode(word, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return List.of();
      }
      if (!arguments.allow().matcher(decoded).matches()) {
        return List.of();
      }
      words.add(decoded);
    }
    return List.copyOf(words);
  }
}
