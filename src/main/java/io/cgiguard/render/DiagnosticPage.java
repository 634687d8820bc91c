package io.cgiguard.render;

import io.cgiguard.attempt.Attempt;
import io.cgiguard.diagnose.Diagnosis;
import io.cgiguard.failure.Failure;
import io.cgiguard.failure.FailureKind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * The last step of a failed request: the page the client gets instead of the script's response.
 * It always says the status, the request id, the failure kind and how many attempts were made;
 * only a {@code detailed} page shows the evidence (exit status, stderr, header bytes, the script's
 * path) and the cause with its fix, because those tell an attacker about the server.
 *
 * <p>Everything that came from a script or a request is escaped for the format it goes into; the
 * HTML is self-contained (no script, no external resource) and so works under {@code
 * Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'}.
 *
 * <p>In custom mode (IIS {@code errorMode="Custom"}) the operator's page is sent as given.
 */
public final class DiagnosticPage {

  /** The page formats, chosen from the request's {@code Accept} header. */
  public enum Format {
    HTML("text/html; charset=utf-8", "text/html"),
    JSON("application/json", "application/json"),
    TEXT("text/plain; charset=utf-8", "text/plain");

    private final String contentType;
    private final String mediaType;

    Format(String contentType, String mediaType) {
      this.contentType = contentType;
      this.mediaType = mediaType;
    }

    /** @return the Content-Type of a page in this format */
    public String contentType() {
      return contentType;
    }

    /**
     * Picks the format the client prefers (RFC 9110 section 12.5.1): the highest q-value, a more
     * specific media range overriding a less specific one; HTML on a tie, for {@code *}{@code /*},
     * for no header, or when the client accepts none of the three, since a page is owed anyway.
     */
    public static Format negotiate(String accept) {
      if (accept == null || accept.isBlank()) {
        return HTML;
      }
      Format best = HTML;
      double bestQ = 0;
      for (Format format : values()) {
        double q = AcceptHeader.quality(accept, format.mediaType);
        if (q > bestQ) {
          best = format;
          bestQ = q;
        }
      }
      return best;
    }
  }

  /** A rendered page: the body and its Content-Type. */
  public record Rendered(byte[] body, String contentType) {
    public Rendered {
      body = body.clone();
      Objects.requireNonNull(contentType, "contentType");
    }

    @Override
    public byte[] body() {
      return body.clone();
    }

    /** @return the body as UTF-8 text */
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final Optional<Rendered> custom;
  private final IntFunction<String> reasonPhrases;

  private DiagnosticPage(Optional<Rendered> custom, IntFunction<String> reasonPhrases) {
    this.custom = custom;
    this.reasonPhrases = Objects.requireNonNull(reasonPhrases, "reasonPhrases");
  }

  /**
   * @param reasonPhrases the reason phrase of each status code: the HTTP layer's table, so that
   *     every page and status line of the gateway says the same words
   * @return the gateway's own page in HTML, JSON or text
   */
  public static DiagnosticPage standard(IntFunction<String> reasonPhrases) {
    return new DiagnosticPage(Optional.empty(), reasonPhrases);
  }

  /**
   * @return a page that answers every failure with the operator's {@code page} as given; refusals
   *     keep the gateway's own short page
   */
  public static DiagnosticPage custom(byte[] page, String contentType,
      IntFunction<String> reasonPhrases) {
    return new DiagnosticPage(Optional.of(new Rendered(page, contentType)), reasonPhrases);
  }

  /**
   * Renders the short page of a request refused before anything ran.
   *
   * @param reason why, in words for the client; it may quote the request, and is escaped
   */
  public Rendered refusal(Format format, int status, String reason, String requestId) {
    String body = RefusalPage.render(format, status, reasonPhrases.apply(status), reason,
        requestId);
    return new Rendered(body.getBytes(StandardCharsets.UTF_8), format.contentType());
  }

  /**
   * Renders the page of a request whose attempts all failed; the failure kind is the last
   * attempt's.
   *
   * @param attempts the request's attempts, the last one failed
   */
  public Rendered render(
      Format format,
      boolean detailed,
      String requestId,
      int status,
      List<Attempt> attempts,
      Optional<Diagnosis> diagnosis) {
    FailureKind kind = lastFailure(attempts)
        .map(Failure::kind)
        .orElseThrow(() -> new IllegalArgumentException("the last attempt must have failed"));
    return render(format, detailed, requestId, status, kind, attempts, diagnosis);
  }

  /**
   * Renders the page of a failure of {@code kind}, which may have had no attempt at all (for
   * {@code overloaded} and {@code circuit-open}).
   */
  public Rendered render(
      Format format,
      boolean detailed,
      String requestId,
      int status,
      FailureKind kind,
      List<Attempt> attempts,
      Optional<Diagnosis> diagnosis) {
    if (custom.isPresent()) {
      return custom.get();
    }
    PageContent content = new PageContent(
        status, reasonPhrases.apply(status), requestId, kind, detailed, List.copyOf(attempts), lastFailure(attempts), diagnosis);
    String body = switch (format) {
      case HTML -> HtmlPage.render(content);
      case JSON -> JsonPage.render(content);
      case TEXT -> TextPage.render(content);
    };
    return new Rendered(body.getBytes(StandardCharsets.UTF_8), format.contentType());
  }

  private static Optional<Failure> lastFailure(List<Attempt> attempts) {
    return attempts.isEmpty()
        ? Optional.empty()
        : attempts.get(attempts.size() - 1).failure();
  }

  /** Minimal Accept parsing: media ranges with an optional q parameter. */
  static final class AcceptHeader {
    private AcceptHeader() {}

    /** @return the q-value {@code accept} gives {@code mediaType}, by its most specific range */
    static double quality(String accept, String mediaType) {
      int bestSpecificity = -1;
      double q = 0;
      for (String range : accept.split(",")) {
        String[] parts = range.split(";");
        String type = parts[0].strip().toLowerCase(Locale.ROOT);
        int specificity = specificity(type, mediaType);
        if (specificity > bestSpecificity) {
          bestSpecificity = specificity;
          q = qValue(parts);
        }
      }
      return q;
    }

    private static int specificity(String range, String mediaType) {
      if (range.equals(mediaType)) {
        return 2;
      }
      if (range.equals("*/*")) {
        return 0;
      }
      String major = mediaType.substring(0, mediaType.indexOf('/'));
      return range.equals(major + "/*") ? 1 : -1;
    }

    private static double qValue(String[] parts) {
      for (int i = 1; i < parts.length; i++) {
        String parameter = parts[i].strip();
        if (parameter.startsWith("q=") || parameter.startsWith("Q=")) {
          try {
            return Math.max(0, Math.min(1, Double.parseDouble(parameter.substring(2))));
          } catch (NumberFormatException e) {
            return 0;
          }
        }
      }
      return 1;
    }
  }
}
