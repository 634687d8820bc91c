package io.cgiguard.http;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;

/**
 * Carries a script's own reason phrase ({@code Status: 299 Custom Thing}) onto the HTTP/1.x status
 * line. Jetty's core response has a status code but no reason; the phrase is put on the response
 * metadata as it is committed, by wrapping the request's stream. HTTP/2 and HTTP/3 have no reason
 * phrase, so there it is dropped, as RFC 9113 says. The phrase is the script's only: when the
 * gateway answers with a page of its own instead ({@link #withdraw}), or with another status, the
 * status line has the standard phrase.
 */
final class ReasonPhrase {

  private static final String ATTRIBUTE = ReasonPhrase.class.getName();

  private ReasonPhrase() {}

  /**
   * Sends {@code reason} (already validated: visible characters and spaces only) on commit, if
   * the response then still has {@code status}.
   */
  static void apply(Request request, int status, String reason) {
    if (reason == null || reason.isEmpty()) {
      return;
    }
    Object phrase = new Object();
    request.setAttribute(ATTRIBUTE, phrase);
    request.addHttpStreamWrapper(stream -> new HttpStream.Wrapper(stream) {
      @Override
      public void send(MetaData.Request metaRequest, MetaData.Response response, boolean last,
          ByteBuffer content, Callback callback) {
        MetaData.Response phrased = response;
        if (response != null && response.getStatus() == status
            && request.getAttribute(ATTRIBUTE) == phrase
            && response.getHttpVersion() != HttpVersion.HTTP_2
            && response.getHttpVersion() != HttpVersion.HTTP_3) {
          phrased = new MetaData.Response(response.getStatus(), reason, response.getHttpVersion(),
              response.getHttpFields(), response.getContentLength(), response.getTrailersSupplier());
        }
        super.send(metaRequest, phrased, last, content, callback);
      }
    });
  }

  /** The response will not be the script's after all: its phrase is not sent. */
  static void withdraw(Request request) {
    request.removeAttribute(ATTRIBUTE);
  }
}
