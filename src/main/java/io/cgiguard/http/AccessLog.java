package io.cgiguard.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cgiguard.config.FrontDoor;
import io.cgiguard.text.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request, after the response is complete. The combined format is Jetty's
 * {@link CustomRequestLog} with Apache's combined fields followed by the gateway's own; the json
 * format is one object per line. The gateway's fields are request attributes: the request id
 * (set when the request arrives) and the script, outcome and attempts (set by {@link OutcomeLog}
 * from the same label the metrics count). A request that ran no script logs {@code -} for them.
 *
 * <p>Apache writes {@code "-"} for a Referer or User-Agent the client did not send and {@code -}
 * for the bytes of a response without a body ({@code %b}); Jetty writes {@code ""} for a missing
 * header in quotes and {@code 0} for {@code %O}. So the two headers are logged from request
 * attributes copied at log time (a missing attribute is {@code -}; a header sent empty stays
 * empty, as in Apache) and the bytes with {@code %{CLF}O}.
 */
final class AccessLog implements RequestLog {

  static final String REQUEST_ID = "io.cgiguard.access.requestId";
  static final String SCRIPT = "io.cgiguard.access.script";
  static final String OUTCOME = "io.cgiguard.access.outcome";
  static final String ATTEMPTS = "io.cgiguard.access.attempts";

  static final String REFERER = "io.cgiguard.access.referer";
  static final String USER_AGENT = "io.cgiguard.access.userAgent";

  /** Apache's combined format, then request id, script, outcome, attempts and milliseconds. */
  static final String COMBINED = "%{client}a - %u %t \"%r\" %s %{CLF}O \"%{" + REFERER
      + "}attr\" \"%{" + USER_AGENT + "}attr\" id=%{" + REQUEST_ID + "}attr script=\"%{" + SCRIPT
      + "}attr\" outcome=%{" + OUTCOME + "}attr attempts=%{" + ATTEMPTS + "}attr ms=%{ms}T";

  private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);

  private final AccessLogWriter writer;
  private final RequestLog format;

  AccessLog(AccessLogWriter writer, FrontDoor.AccessLog.Format format) {
    this.writer = writer;
    this.format = format == FrontDoor.AccessLog.Format.JSON ? this::json
        : new CustomRequestLog(writer, COMBINED);
  }

  /** Records what happened to a request's script, for its access log line. */
  static void recordScript(Request request, String script, String outcome, int attempts) {
    request.setAttribute(SCRIPT, script);
    request.setAttribute(OUTCOME, outcome);
    request.setAttribute(ATTEMPTS, Integer.toString(attempts));
  }

  @Override
  public void log(Request request, Response response) {
    // Removed when the header is absent (a null value), so that the line shows "-" for it.
    request.setAttribute(REFERER, clientText(request.getHeaders().get(HttpHeader.REFERER)));
    request.setAttribute(USER_AGENT,
        clientText(request.getHeaders().get(HttpHeader.USER_AGENT)));
    format.log(request, response);
  }

  /** Opens the log file again by its name (after logrotate moved it). */
  void reopen() throws IOException {
    writer.reopen();
  }

  void close() throws IOException {
    writer.close();
  }

  private void json(Request request, Response response) {
    ObjectNode line = Json.object();
    long arrived = Request.getTimeStamp(request);
    line.put("time", Instant.ofEpochMilli(arrived).toString());
    line.put("remoteAddr", Request.getRemoteAddr(request));
    line.put("method", request.getMethod());
    line.put("uri", request.getHttpURI().getPathQuery());
    line.put("protocol", request.getConnectionMetaData().getProtocol());
    line.put("status", response.getStatus());
    line.put("bytesSent", Response.getContentBytesWritten(response));
    line.put("referer", clientText(request.getHeaders().get(HttpHeader.REFERER)));
    line.put("userAgent", clientText(request.getHeaders().get(HttpHeader.USER_AGENT)));
    line.put("requestId", attribute(request, REQUEST_ID).orElse(null));
    line.put("script", attribute(request, SCRIPT).orElse(null));
    line.put("outcome", attribute(request, OUTCOME).orElse(null));
    line.put("attempts", attribute(request, ATTEMPTS).map(Integer::valueOf).orElse(0));
    line.put("durationMs", Math.max(0, System.currentTimeMillis() - arrived));
    try {
      writer.write(Json.writeLine(line));
    } catch (IOException e) {
      LOG.warn("cannot write the access log: {}", e.getMessage());
    }
  }

  /**
   * A header value as the client wrote its bytes. Jetty hands a value over one char per byte
   * (ISO-8859-1), so a UTF-8 {@code é} arrived as two chars and was logged as {@code Ã©}. Bytes
   * that are UTF-8 are logged as the text they spell; others keep each byte above 0x7F as
   * {@code \xHH}, as Apache writes them.
   */
  static String clientText(String value) {
    if (value == null || value.chars().allMatch(c -> c < 0x80)) {
      return value;
    }
    byte[] bytes = value.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    try {
      return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException notUtf8) {
      StringBuilder out = new StringBuilder(bytes.length + 16);
      for (byte b : bytes) {
        if (b < 0) {
          out.append(String.format("\\x%02X", b & 0xff));
        } else {
          out.append((char) b);
        }
      }
      return out.toString();
    }
  }

  private static Optional<String> attribute(Request request, String name) {
    return request.getAttribute(name) instanceof String value ? Optional.of(value)
        : Optional.empty();
  }
}
