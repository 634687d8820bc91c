package io.cgiguard.cli;

import io.cgiguard.iis.IisImport;
import io.cgiguard.iis.IisImportException;
import io.cgiguard.iis.ImportedConfig;
import io.cgiguard.iis.PathMap;
import io.cgiguard.iis.TomlConfigWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cgiguard import-iis}: translates IIS's applicationHost.config and web.config files into
 * a cgiguard config, and lists on stderr every setting it did not translate, with the reason.
 */
@Command(name = "import-iis", mixinStandardHelpOptions = true,
    description = "Translate IIS applicationHost.config and web.config files into a cgiguard "
        + "config.",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
        "0:written; settings not translated are listed on stderr",
        "1:an input could not be read (malformed XML, a DTD, a missing file, ...)",
        "2:bad command line",
        "3:written, but some handler mappings were refused, or folders of the site left out "
            + "because no --path-map covers them (listed on stderr)"})
public final class ImportIisCommand implements Callable<Integer> {

  static final int READ_ERROR = 1;
  static final int REFUSED = 3;

  @Spec
  private CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE",
      description = "applicationHost.config and any web.config files.")
  private List<Path> files = new ArrayList<>();

  @Option(names = "--out", paramLabel = "FILE",
      description = "Where to write the config (default: standard output).")
  private Path out;

  @Option(names = "--path-map", paramLabel = "WINDOWS_PREFIX=LINUX_PREFIX",
      description = "Translate physical paths, e.g. 'C:\\inetpub\\wwwroot=/srv/www'. Repeatable.")
  private List<String> pathMaps = new ArrayList<>();

  @Option(names = "--interpreter", paramLabel = "WINDOWS=LINUX",
      description = "Override the interpreter table, e.g. 'C:\\Perl\\bin\\perl.exe=/opt/perl/bin"
          + "/perl' or 'ruby.exe=/usr/bin/ruby'. Repeatable.")
  private List<String> interpreterMaps = new ArrayList<>();

  @Option(names = "--site", paramLabel = "NAME",
      description = "The IIS site to import (default: the first).")
  private String site;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    // Before the import: the exception of a failed write names the path and nothing else.
    java.util.Optional<String> unwritable = out == null ? java.util.Optional.empty()
        : OutputFile.problem(out);
    if (unwritable.isPresent()) {
      err.println("import-iis: --out: " + unwritable.get());
      err.flush();
      return 2;
    }
    try {
      IisImport.Options options = new IisImport.Options(
          absolute(mappings("--path-map", "WINDOWS_PREFIX=LINUX_PREFIX", pathMaps), err),
          mappings("--interpreter", "WINDOWS=LINUX", interpreterMaps), site);
      ImportedConfig config = IisImport.run(files, options);
      String toml = TomlConfigWriter.write(config,
          files.stream().map(Path::toString).toList());
      if (out == null) {
        spec.commandLine().getOut().print(toml);
        spec.commandLine().getOut().flush();
      } else {
        Files.writeString(out, toml, StandardCharsets.UTF_8);
      }
      config.refused().forEach(n -> err.println("import-iis: " + n));
      config.leftOut().forEach(n -> err.println("import-iis: " + n));
      config.notTranslated().forEach(n -> err.println("import-iis: " + n));
      err.flush();
      // Either way something IIS runs or serves would not be here: a script calling the import
      // must not take the config for the site.
      return config.refused().isEmpty() && config.leftOut().isEmpty() ? 0 : REFUSED;
    } catch (IisImportException | IOException e) {
      err.println("import-iis: " + e.getMessage());
      err.flush();
      return READ_ERROR;
    } catch (IllegalArgumentException e) {
      err.println("import-iis: " + e.getMessage());
      err.flush();
      return 2;
    }
  }

  /**
   * Relative Linux targets resolved against the working directory, as the import itself finds
   * the web.config files; serve and check would resolve them against the installation
   * directory instead, so the config gets absolute ones, and the user is told.
   */
  private static List<Map.Entry<String, String>> absolute(List<Map.Entry<String, String>> maps,
      PrintWriter err) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    for (Map.Entry<String, String> m : maps) {
      Path linux = Path.of(m.getValue());
      if (linux.isAbsolute()) {
        out.add(m);
      } else {
        String resolved = linux.toAbsolutePath().normalize().toString();
        err.println("import-iis: --path-map target '" + m.getValue() + "' is relative; written "
            + "as " + resolved + " (resolved against the working directory)");
        out.add(Map.entry(m.getKey(), resolved));
      }
    }
    return out;
  }

  private static List<Map.Entry<String, String>> mappings(String option, String form,
      List<String> values) {
    return values.stream().map(v -> PathMap.parseMapping(option, form, v)).toList();
  }
}
