package io.cgiguard.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The whole, validated configuration of one gateway. Immutable; made only by
 * {@link ConfigLoader}, which holds every default. Each section mirrors a table of
 * {@code conf/cgiguard.toml}.
 */
public record GatewayConfig(
    Optional<Path> source,
    Server server,
    List<Mount> mounts,
    Map<String, List<String>> interpreters,
    Environment environment,
    Restrictions restrictions,
    Arguments arguments,
    Timeouts timeouts,
    Limits limits,
    Concurrency concurrency,
    Retry retry,
    Circuit circuit,
    RequestFiltering request,
    ResponsePolicy response,
    Diagnostics diagnostics,
    Admin admin,
    Site site,
    FrontDoor frontDoor,
    FastCgi fastcgi) {

  public GatewayConfig {
    mounts = List.copyOf(mounts);
    interpreters = Map.copyOf(interpreters);
  }

  /** @return the file as it was named, for messages; "(command line)" when there is none */
  public String sourceName() {
    return source.map(Path::toString).orElse("(command line)");
  }

  /**
   * {@code [server]}: where to listen and what to serve besides scripts.
   *
   * @param docroot the directory of static files; without one, only the built-in landing page
   *     answers at {@code /}
   */
  public record Server(
      String bind,
      int port,
      Optional<Path> docroot,
      List<String> indexFiles,
      String runAs,
      Duration idleTimeout,
      Duration headerReadTimeout,
      int maxThreads,
      int maxConnections,
      List<AddressRange> localClients,
      List<String> localHostNames,
      Drain drain) {}

  /**
   * {@code [server] drain-delay} and {@code drain-timeout}: how a stop loses no request. From the
   * stop signal, {@code /-/health} answers 503 at once; the listener stays open for {@code delay}
   * (so that a load balancer notices and stops sending), then closes; running scripts get up to
   * {@code timeout} more to finish before their process groups are killed.
   */
  public record Drain(Duration delay, Duration timeout) {}

  /**
   * {@code [[mount]]}: a URL prefix mapped to a directory.
   *
   * @param mapped {@code execution = "mapped"}: only files a handler mapping matches run, every
   *     other file is served as a static file; otherwise ({@code "directory"}) the directory holds
   *     programs only, and a file runs when it has an execute bit or a mapping names its
   *     interpreter
   */
  public record Mount(
      String url,
      Path dir,
      boolean followSymlinksOutside,
      boolean passAuthorization,
      Set<String> allowedMethods,
      List<HandlerMapping> handlers,
      boolean mapped) {

    /** A script-directory mount. */
    public Mount(String url, Path dir, boolean followSymlinksOutside, boolean passAuthorization,
        Set<String> allowedMethods, List<HandlerMapping> handlers) {
      this(url, dir, followSymlinksOutside, passAuthorization, allowedMethods, handlers, false);
    }
  }

  /**
   * {@code [[mount.handler]]}: an IIS-style handler mapping. The first mapping whose pattern
   * matches the script's file name runs it, before any {@code #!} line.
   *
   * @param path a file name pattern: {@code *.pl}, or a fixed name such as {@code gitweb.cgi}
   * @param scriptProcessor the program and its arguments; the element {@code %s} stands for the
   *     script's path, a second {@code %s} for arguments from a search query
   * @param verbs methods this mapping accepts (others get 405); empty means the mount's
   * @param retryBody whether a buffered request body may be replayed on retry
   * @param headerTimeout overrides {@code [timeouts] header} for this mapping
   */
  public record HandlerMapping(
      String path,
      List<String> scriptProcessor,
      Set<String> verbs,
      boolean retryBody,
      Optional<Duration> headerTimeout,
      Optional<Duration> bodyIdleTimeout,
      Optional<Duration> totalTimeout) {

    /** @return whether this mapping's pattern matches {@code fileName} (case-insensitive, as IIS) */
    public boolean matches(String fileName) {
      String name = fileName.toLowerCase(java.util.Locale.ROOT);
      String pattern = path.toLowerCase(java.util.Locale.ROOT);
      if (pattern.equals("*")) {
        return true;
      }
      if (pattern.startsWith("*")) {
        return name.endsWith(pattern.substring(1));
      }
      return name.equals(pattern);
    }
  }

  /** {@code [environment]}: what of the gateway's own environment reaches scripts. */
  public record Environment(
      List<String> pass, Map<String, String> set, boolean neutraliseShellshock) {

    /**
     * @param own the gateway's own environment
     * @return what of it scripts receive: the allow-listed names that are set, then the fixed
     *     values, and a plain PATH when neither gave one
     */
    public Map<String, String> passedFrom(Map<String, String> own) {
      Map<String, String> passed = new java.util.LinkedHashMap<>();
      for (String name : pass) {
        String value = own.get(name);
        if (value != null) {
          passed.put(name, value);
        }
      }
      passed.putAll(set);
      passed.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
      return java.util.Collections.unmodifiableMap(passed);
    }
  }

  /** {@code [restrictions]}: IIS isapiCgiRestriction; empty means any program may run. */
  public record Restrictions(List<Path> allowedPrograms) {}

  /** {@code [arguments]}: RFC 3875 section 4.4 search queries as argv. */
  public record Arguments(boolean searchQueries, Pattern allow) {}

  /** {@code [timeouts]}. */
  public record Timeouts(
      Duration header, Duration bodyIdle, Duration total, Duration linger, Duration killGrace) {}

  /** {@code [limits]}: per-process resource limits and buffers. */
  public record Limits(
      Duration cpu,
      long addressSpaceBytes,
      long openFiles,
      long fileSizeBytes,
      long coreSizeBytes,
      int maxHeaderBytes,
      int stderrTailBytes) {}

  /** {@code [concurrency]}: the bulkhead. */
  public record Concurrency(int maxRunning, int maxPerScript, int queue, Duration queueWait) {}

  /** {@code [retry]}. */
  public record Retry(
      int attempts,
      Duration backoff,
      Duration maxBackoff,
      Duration deadline,
      Set<String> methods,
      Set<String> kinds,
      int replayBufferBytes) {}

  /** {@code [circuit]}: the per-script circuit breaker. */
  public record Circuit(int window, int minRequests, double failureRatio, Duration openFor) {}

  /** {@code [request]}: request filtering, in the spirit of IIS requestFiltering. */
  public record RequestFiltering(
      int maxUrlLength,
      int maxQueryLength,
      int maxHeaderCount,
      int maxHeaderBytes,
      long maxBodyBytes,
      List<String> deniedExtensions,
      List<String> hiddenSegments,
      List<String> allowedExtensions,
      List<String> denyUrlSequences) {}

  /** {@code [response]}. */
  public record ResponsePolicy(String defaultContentType, int maxLocalRedirects) {}

  /** {@code [diagnostics]}: how much a failure page tells, after IIS's errorMode. */
  public record Diagnostics(ErrorMode errorMode, Optional<Path> customPage) {}

  /** IIS {@code httpErrors errorMode}. */
  public enum ErrorMode {
    DETAILED_LOCAL_ONLY("detailed-local-only"),
    DETAILED("detailed"),
    CUSTOM("custom");

    private final String label;

    ErrorMode(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /**
   * {@code [static]} and {@code [iis-compat]}: what a static file may be, and the IIS behaviour
   * migrated sites rely on.
   *
   * @param refuseExecutable whether a file with an execute bit is never served as a static file
   * @param refuseExtensions extensions (lower case, with the dot) never served as static files
   * @param iisCompat the {@code [iis-compat]} switch and its facts
   */
  public record Site(boolean refuseExecutable, List<String> refuseExtensions,
      IisCompat iisCompat) {

    /** The script extensions a static file may never have, by default. */
    public static final List<String> SCRIPT_EXTENSIONS =
        List.of(".pl", ".cgi", ".py", ".sh", ".php", ".exe", ".bat", ".cmd");

    public static final Site DEFAULTS = new Site(true, SCRIPT_EXTENSIONS, IisCompat.OFF);

    public Site {
      refuseExtensions = List.copyOf(refuseExtensions);
    }
  }

  /**
   * {@code [iis-compat]}: IIS's URL and server-variable semantics for a migrated site.
   *
   * @param enabled the switch; everything else is ignored when it is off
   * @param caseInsensitive whether request paths match file names regardless of case
   * @param siteId the IIS site id, for INSTANCE_ID, INSTANCE_META_PATH and APPL_MD_PATH
   * @param applications the URL paths of the site's IIS applications ({@code /} always counts),
   *     for APPL_MD_PATH and APPL_PHYSICAL_PATH
   */
  public record IisCompat(boolean enabled, boolean caseInsensitive, int siteId,
      List<String> applications) {

    public static final IisCompat OFF = new IisCompat(false, false, 1, List.of("/"));

    public IisCompat {
      applications = List.copyOf(applications);
    }
  }

  /** {@code [admin]}: who may read /-/health, /-/metrics and /-/status. */
  public record Admin(boolean allowRemote) {}

  /** Where FastCGI scripts are found: under the mounts by URL, or named by the front server. */
  public enum ScriptFrom { MOUNTS, PARAMS }

  /**
   * {@code [fastcgi]}: a FastCGI responder listener beside, or instead of, the HTTP one.
   *
   * @param listen a Unix socket or TCP address; empty when there is no FastCGI listener
   * @param http whether the HTTP listener runs too
   * @param scriptFrom how a request's script is found
   * @param allowedRoots the directories a SCRIPT_FILENAME must lie in (params mode)
   * @param socketOwner the Unix socket's owner, when set
   * @param socketGroup the Unix socket's group, when set
   * @param socketMode the Unix socket's permissions
   * @param maxConnections the most FastCGI connections open at once
   * @param maxParamsBytes the largest PARAMS stream of one request
   * @param allowedClients the addresses a TCP listener takes connections from (FastCGI's
   *     {@code FCGI_WEB_SERVER_ADDRS}); a Unix socket is guarded by its owner and mode instead
   */
  public record FastCgi(
      Optional<Listen> listen,
      boolean http,
      ScriptFrom scriptFrom,
      List<Path> allowedRoots,
      Optional<String> socketOwner,
      Optional<String> socketGroup,
      Set<java.nio.file.attribute.PosixFilePermission> socketMode,
      int maxConnections,
      int maxParamsBytes,
      List<AddressRange> allowedClients) {

    /** Who may connect to a TCP listener unless {@code allowed-clients} says otherwise. */
    public static final List<String> LOOPBACK = List.of("127.0.0.0/8", "::1/128");

    public FastCgi {
      allowedRoots = List.copyOf(allowedRoots);
      allowedClients = List.copyOf(allowedClients);
      socketMode = Set.copyOf(socketMode);
    }
  }

  /**
   * A listen address: {@code unix:/path} or {@code host:port}.
   *
   * @param unixSocket the socket's path, for a Unix socket
   * @param host the address to bind, for TCP
   * @param port the TCP port (0: any free one)
   */
  public record Listen(Optional<Path> unixSocket, String host, int port) {

    /** The longest path Linux takes for a Unix socket: sockaddr_un's 108 bytes, less the NUL. */
    public static final int MAX_SOCKET_PATH_BYTES = 107;

    /** @throws IllegalArgumentException naming what is wrong with {@code text} */
    public static Listen parse(String text) {
      if (text.startsWith("unix:")) {
        String path = text.substring("unix:".length());
        if (!path.startsWith("/")) {
          throw new IllegalArgumentException("'" + text + "' must name an absolute socket path, "
              + "as in \"unix:/run/cgiguard/fcgi.sock\"");
        }
        int bytes = path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > MAX_SOCKET_PATH_BYTES) {
          throw new IllegalArgumentException("'" + text + "' names a socket path of " + bytes
              + " bytes; a Unix socket path may have at most " + MAX_SOCKET_PATH_BYTES);
        }
        return new Listen(Optional.of(Path.of(path)), "", 0);
      }
      int colon = text.lastIndexOf(':');
      if (colon <= 0 || !text.substring(colon + 1).matches("\\d{1,5}")
          || Integer.parseInt(text.substring(colon + 1)) > 65535) {
        throw new IllegalArgumentException("'" + text + "' is neither \"unix:/path\" nor "
            + "\"host:port\", as in \"127.0.0.1:9000\"");
      }
      String host = text.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      return new Listen(Optional.empty(), host, Integer.parseInt(text.substring(colon + 1)));
    }

    @Override
    public String toString() {
      return unixSocket.map(p -> "unix:" + p).orElse(
          (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
    }
  }
}
