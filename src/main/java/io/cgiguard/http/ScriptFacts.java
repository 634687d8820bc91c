package io.cgiguard.http;

import io.cgiguard.cgi.CgiRequest;
import io.cgiguard.cgi.HeaderField;
import io.cgiguard.cgi.Resolution;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;

/** Gathers from Jetty's request the facts RFC 3875 section 4.1 asks for. */
final class ScriptFacts {

  private ScriptFacts() {}

  static CgiRequest of(Request request, Resolution.Found script, Path documentRoot) {
    HttpURI uri = request.getHttpURI();
    String rawQuery = uri.getQuery() == null ? "" : uri.getQuery();
    String target = uri.getPath() + (rawQuery.isEmpty() ? "" : "?" + rawQuery);
    List<HeaderField> headers = new ArrayList<>();
    for (HttpField field : request.getHeaders()) {
      headers.add(new HeaderField(field.getName(), field.getValue() == null ? "" : field.getValue()));
    }
    long length = request.getLength();
    boolean chunked = request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    OptionalLong contentLength = !chunked && length >= 0 && request.getHeaders()
        .contains(HttpHeader.CONTENT_LENGTH) ? OptionalLong.of(length) : OptionalLong.empty();
    Optional<FastCgiParams> edge = FastCgiParams.of(request);
    if (edge.isPresent()) {
      // Over FastCGI the front server spoke to the client: its params hold the client's address,
      // the server's name and port, and who it authenticated.
      FastCgiParams p = edge.get();
      return new CgiRequest(request.getMethod(), target, rawQuery, script.scriptName(),
          script.pathInfo(), script.scriptFile(), documentRoot, headers,
          p.get("REMOTE_ADDR").orElse(Request.getRemoteAddr(request)),
          p.port("REMOTE_PORT", Request.getRemotePort(request)),
          p.get("SERVER_NAME").orElse(Request.getServerName(request)),
          p.port("SERVER_PORT", Request.getServerPort(request)),
          p.get("SERVER_PROTOCOL").orElse("HTTP/1.1"), p.secure(), p.get("AUTH_TYPE"),
          p.get("REMOTE_USER"), contentLength,
          contentType(request));
    }
    return new CgiRequest(request.getMethod(), target, rawQuery, script.scriptName(),
        script.pathInfo(), script.scriptFile(), documentRoot, headers,
        remoteAddr(request), Request.getRemotePort(request),
        Request.getServerName(request), Request.getServerPort(request),
        request.getConnectionMetaData().getProtocol(), request.isSecure(), Optional.empty(),
        Optional.empty(), contentLength,
        contentType(request));
  }

  /**
   * CONTENT_TYPE: the body's media type; an empty {@code Content-Type} names none, so it sets no
   * variable (RFC 3875 section 4.1.3: a script may then guess), as an empty param does over FastCGI.
   */
  private static Optional<String> contentType(Request request) {
    return Optional.ofNullable(request.getHeaders().get(HttpHeader.CONTENT_TYPE))
        .filter(type -> !type.isBlank());
  }

  /** REMOTE_ADDR as Apache writes it: an IPv6 address compressed and without brackets. */
  private static String remoteAddr(Request request) {
    java.net.SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
    if (remote instanceof java.net.InetSocketAddress inet && inet.getAddress() != null) {
      return com.google.common.net.InetAddresses.toAddrString(inet.getAddress());
    }
    return Request.getRemoteAddr(request);
  }
}
