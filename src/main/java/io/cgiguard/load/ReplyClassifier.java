package io.cgiguard.load;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Names the outcome of one request: {@link #OK} or a failure category. A pure function of the
 * {@link Reply} and the user's {@link Expectations}, so that the signatures can be tested as a
 * table.
 *
 * <p>Categories: {@code cgiguard-<kind>} (the gateway's own {@code X-Cgiguard-Failure}),
 * {@code truncated-body}, {@code iis-cgi-error}, {@code apache-internal-error},
 * {@code nginx-bad-gateway}, {@code nginx-gateway-timeout}, {@code http-<status>},
 * {@code unexpected-body}, {@code empty-reply}, {@code malformed-response}, {@code connect-error}, {@code timeout}.
 */
public final class ReplyClassifier {

  /** The category of a success. */
  public static final String OK = "ok";

  /** The gateway names its own failures here (docs/failures.md); the most precise signature there is. */
  static final String GATEWAY_FAILURE_HEADER = "x-cgiguard-failure";

  // IIS 6 titles the page "CGI Error"; IIS 7 and later say "HTTP Error 502.2 - Bad Gateway". Both
  // carry this sentence, so it is the signature; "CGI Error" alone only counts on a 5xx.
  private static final String IIS_SENTENCE =
      "misbehaved by not returning a complete set of HTTP headers";
  private static final String IIS_TITLE = "CGI Error";
  // Apache's generic 500 page; "Premature end of script headers" goes only to its error log.
  private static final String APACHE_SENTENCE =
      "The server encountered an internal error or misconfiguration";
  private static final String NGINX_FOOTER = "<center>nginx";
  private static final Pattern WHITE_SPACE = Pattern.compile("\\s+");

  private final Expectations expectations;

  public ReplyClassifier(Expectations expectations) {
    this.expectations = expectations;
  }

  /** @return {@link #OK} or the failure category of {@code reply} */
  public String classify(Reply reply) {
    if (reply instanceof Reply.Answered answered) {
      return classifyAnswered(answered);
    }
    if (reply instanceof Reply.Empty) {
      return "empty-reply";
    }
    if (reply instanceof Reply.Malformed) {
      return "malformed-response";
    }
    if (reply instanceof Reply.ConnectFailed) {
      return "connect-error";
    }
    return "timeout";
  }

  private String classifyAnswered(Reply.Answered reply) {
    String gatewayKind = reply.headers().get(GATEWAY_FAILURE_HEADER);
    if (gatewayKind != null && !gatewayKind.isBlank()) {
      return "cgiguard-" + label(gatewayKind);
    }
    if (!reply.bodyComplete()) {
      return "truncated-body";
    }
    String foreign = foreignSignature(reply);
    if (foreign != null) {
      return foreign;
    }
    if (!expectations.accepts(reply.status())) {
      return "http-" + reply.status();
    }
    if (expectations.body().isPresent()) {
      String text = new String(reply.body(), StandardCharsets.UTF_8);
      if (!expectations.body().get().matcher(text).find()) {
        return "unexpected-body";
      }
    }
    return OK;
  }

  /** The failure pages of other CGI hosts, recognised by their wording. */
  private static String foreignSignature(Reply.Answered reply) {
    int status = reply.status();
    if (status < 500) {
      return null;
    }
    // ISO-8859-1 maps every byte to one char, so searching never fails on bad UTF-8; Apache
    // wraps its sentence over three lines, so runs of white space count as one space.
    String text = WHITE_SPACE.matcher(new String(reply.body(), StandardCharsets.ISO_8859_1))
        .replaceAll(" ");
    if (text.contains(IIS_SENTENCE) || text.contains(IIS_TITLE)) {
      return "iis-cgi-error";
    }
    if (status == 500 && text.contains(APACHE_SENTENCE)) {
      return "apache-internal-error";
    }
    String server = reply.headers().getOrDefault("server", "").toLowerCase(Locale.ROOT);
    boolean nginx = text.contains(NGINX_FOOTER) || server.startsWith("nginx");
    if (nginx && status == 502) {
      return "nginx-bad-gateway";
    }
    if (nginx && status == 504) {
      return "nginx-gateway-timeout";
    }
    return null;
  }

  /** Keeps a header value safe to use as a JSON key, a file name part and in HTML. */
  private static String label(String raw) {
    StringBuilder label = new StringBuilder(raw.length());
    for (char c : raw.trim().toLowerCase(Locale.ROOT).toCharArray()) {
      boolean plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      label.append(plain ? c : '_');
    }
    return label.length() > 40 ? label.substring(0, 40) : label.toString();
  }
}
