package io.cgiguard.iis;

import java.time.Duration;
import java.util.List;

/**
 * The cgiguard configuration the import produces, in the vocabulary of {@code cgiguard.toml}:
 * only the keys the IIS files decide, plus every setting that was not translated and every
 * handler that was refused, each with its reason. A null field means "not decided by IIS; the
 * cgiguard default applies".
 *
 * @param site the IIS site that was imported
 * @param server {@code [server]}
 * @param mounts {@code [[mount]]}, one per CGI-bearing virtual directory or folder
 * @param allowedPrograms {@code [restrictions] allowed-programs}, null when IIS allowed any
 * @param argumentsRequested whether some handler used IIS's second {@code %s}
 * @param totalTimeout {@code [timeouts] total}, from {@code system.webServer/cgi timeout}
 * @param request {@code [request]}
 * @param refuseExtensions {@code [static] refuse-extensions}: cgiguard's script extensions and
 *     those of every CGI mapping, so that no file a mapping runs (or IIS's accessPolicy kept
 *     from running) is served as its source; null when cgiguard's default covers them
 * @param errorMode {@code [diagnostics] error-mode}
 * @param notTranslated settings with no cgiguard equivalent, in input order
 * @param refused handler mappings the hardening rules forbid
 * @param leftOut folders of the site (its root too) that no --path-map covers, and that the
 *     config therefore leaves out
 * @param iisCompat {@code [iis-compat]}, always on for an imported site
 */
public record ImportedConfig(
    String site,
    Server server,
    List<Mount> mounts,
    List<String> allowedPrograms,
    boolean argumentsRequested,
    Duration totalTimeout,
    Request request,
    List<String> refuseExtensions,
    String errorMode,
    List<Note> notTranslated,
    List<Note> refused,
    List<Note> leftOut,
    IisCompat iisCompat) {

  /**
   * {@code [iis-compat]}: the site's id and its application paths, for the IIS server variables.
   */
  public record IisCompat(int siteId, List<String> applications) {}

  /** {@code [server]}; null fields are left to cgiguard's defaults. */
  public record Server(String bind, Integer port, String docroot, List<String> indexFiles,
      String runAs, String runAsReason) {}

  /** {@code [[mount]]} with its handler mappings; always {@code execution = "mapped"}, as in IIS. */
  public record Mount(String url, String dir, List<String> allowedMethods,
      List<Handler> handlers) {}

  /**
   * {@code [[mount.handler]]}.
   *
   * @param name the IIS handler's name, kept as a comment
   * @param path the file-name pattern ("*.pl", "hello.cgi")
   * @param verbs the allowed methods, empty for all the mount allows
   * @param scriptProcessor the Linux template ("/usr/bin/perl %s")
   * @param iisScriptProcessor the IIS template it replaces, kept as a comment
   */
  public record Handler(String name, String path, List<String> verbs, String scriptProcessor,
      String iisScriptProcessor) {}

  /** {@code [request]}: IIS request filtering, whose IIS defaults apply when unset. */
  public record Request(long maxUrlLength, long maxQueryLength, long maxBodyBytes,
      List<String> deniedExtensions, List<String> allowedExtensions, List<String> hiddenSegments,
      List<String> denyUrlSequences) {}

  /**
   * A setting and what became of it.
   *
   * @param origin the file and location that wrote it
   * @param setting its path, e.g. "system.webServer/cgi@createCGIWithNewConsole"
   * @param reason why it was not translated (or refused)
   */
  public record Note(String origin, String setting, String reason) {

    @Override
    public String toString() {
      return origin + ": " + setting + ": " + reason;
    }
  }
}
