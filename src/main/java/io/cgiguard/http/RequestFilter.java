package io.cgiguard.http;

import io.cgiguard.cgi.RequestPath;
import io.cgiguard.config.GatewayConfig.RequestFiltering;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Request filtering in the spirit of IIS's {@code requestFiltering}: limits on the URL, the query,
 * the header block and the body, and URLs that are never served (hidden segments such as
 * {@code .git}, backup-file extensions, denied sequences). Applied to every request, before any
 * routing, so that static files, scripts and redirects are filtered alike; a denied sequence is
 * looked for in the raw path and in the decoded one.
 */
public final class RequestFilter {

  /** Why a request is refused, and with which status. */
  record Rejection(int status, String reason) {}

  private final RequestFiltering rules;

  RequestFilter(RequestFiltering rules) {
    this.rules = rules;
  }

  /**
   * Checks what is known before the path is decoded: sizes of the request's parts, and denied
   * sequences as the client spelled them.
   */
  Optional<Rejection> checkHead(String rawPath, String rawQuery, int headerCount,
      long headerBytes, long contentLength) {
    if (rawPath.length() > rules.maxUrlLength()) {
      return reject(414, "the URL is " + rawPath.length() + " characters long; the limit is "
          + rules.maxUrlLength());
    }
    if (rawQuery != null && rawQuery.length() > rules.maxQueryLength()) {
      return reject(414, "the query string is " + rawQuery.length()
          + " characters long; the limit is " + rules.maxQueryLength());
    }
    if (headerCount > rules.maxHeaderCount()) {
      return reject(431, "the request has " + headerCount + " header fields; the limit is "
          + rules.maxHeaderCount());
    }
    if (headerBytes > rules.maxHeaderBytes()) {
      return reject(431, "the request's header fields take " + headerBytes
          + " bytes; the limit is " + rules.maxHeaderBytes());
    }
    if (contentLength > rules.maxBodyBytes()) {
      return reject(413, "the request body is " + contentLength + " bytes; the limit is "
          + rules.maxBodyBytes());
    }
    return deniedSequence(rawPath);
  }

  /**
   * Checks the decoded path: denied sequences again (IIS matches them in the normalised URL, so
   * {@code %73ecret} is {@code secret}), hidden segments and denied extensions. Allowed extensions
   * wait for {@link #checkServed}.
   */
  Optional<Rejection> checkDecoded(RequestPath.Decoded path) {
    Optional<Rejection> denied = deniedSequence(path.decodedPath());
    if (denied.isPresent()) {
      return denied;
    }
    for (String segment : path.segments()) {
      String lower = segment.toLowerCase(Locale.ROOT);
      if (rules.hiddenSegments().contains(lower)) {
        return reject(404, "the URL contains a hidden segment");
      }
      for (String extension : rules.deniedExtensions()) {
        if (lower.endsWith(extension)) {
          return reject(404, "the URL names a file of a denied kind");
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Checks {@code allowed-extensions} against what a request is answered with, once that is known:
   * the file served or the script run, never the URL's last segment, which may be PATH_INFO
   * ({@code /cgi-bin/tool.sh/x.html} runs {@code tool.sh}). A name without an extension passes
   * only when {@code "."} is listed, and a leading dot starts an extension ({@code .bashrc}), as
   * with IIS's {@code fileExtensions allowUnlisted="false"}.
   *
   * @param names the file's names: as the URL reached it and, for a symlink, the file it leads to
   */
  Optional<Rejection> checkServed(List<String> names) {
    if (!limitsExtensions()) {
      return Optional.empty();
    }
    for (String name : names) {
      String lower = name.toLowerCase(Locale.ROOT);
      int dot = lower.lastIndexOf('.');
      if (!rules.allowedExtensions().contains(dot < 0 ? "." : lower.substring(dot))) {
        return reject(404, "the URL names a file of a kind that is not allowed");
      }
    }
    return Optional.empty();
  }

  /** @return whether {@code allowed-extensions} lists any, so that names must be checked */
  boolean limitsExtensions() {
    return !rules.allowedExtensions().isEmpty();
  }

  /**
   * What {@code check} says of a file on disk: why a request for it at {@code segments} (its URL
   * path, decoded) is refused before any routing, as serve refuses it (a hidden segment such as
   * {@code web.config} or {@code bin}, a denied extension or sequence, an extension not allowed).
   *
   * @return {@code "404: the URL contains a hidden segment"} and the like, or empty when served
   */
  public static Optional<String> refusalOfFile(RequestFiltering rules, List<String> segments) {
    RequestFilter filter = new RequestFilter(rules);
    String path = "/" + String.join("/", segments);
    Optional<Rejection> rejection = filter.deniedSequence(path)
        .or(() -> filter.checkDecoded(new RequestPath.Decoded(segments, path)))
        .or(() -> segments.isEmpty() ? Optional.empty()
            : filter.checkServed(List.of(segments.get(segments.size() - 1))));
    return rejection.map(r -> r.status() + ": " + r.reason());
  }

  /** A denied sequence matches regardless of case, as IIS's does and as IIS paths do. */
  private Optional<Rejection> deniedSequence(String path) {
    if (rules.denyUrlSequences().isEmpty()) {
      return Optional.empty();
    }
    String lower = path.toLowerCase(Locale.ROOT);
    for (String sequence : rules.denyUrlSequences()) {
      if (!sequence.isEmpty() && lower.contains(sequence.toLowerCase(Locale.ROOT))) {
        return reject(404, "the URL contains a denied sequence");
      }
    }
    return Optional.empty();
  }

  private static Optional<Rejection> reject(int status, String reason) {
    return Optional.of(new Rejection(status, reason));
  }
}
