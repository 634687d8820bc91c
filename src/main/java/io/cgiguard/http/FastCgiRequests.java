package io.cgiguard.http;

import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HostPortHttpField;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.util.HostPort;
import org.eclipse.jetty.util.NanoTime;

/**
 * Makes the HTTP request a front server's params describe (RFC 3875 section 4.1, read
 * backwards): the method, the target as the client sent it ({@code REQUEST_URI}), and one header
 * field per {@code HTTP_*} param. The front server de-chunked the body already; a body without
 * CONTENT_LENGTH (an upload nginx streams with {@code fastcgi_request_buffering off}) keeps its
 * Transfer-Encoding field, so the gateway streams it to the script's stdin until it ends.
 */
final class FastCgiRequests {

  private FastCgiRequests() {}

  /** @throws IllegalArgumentException when the params name no usable request target */
  static MetaData.Request metaData(FastCgiParams p) {
    HttpFields.Mutable fields = HttpFields.build();
    for (Map.Entry<String, String> param : p.params().entrySet()) {
      String name = param.getKey();
      if (name.startsWith("HTTP_") && name.length() > 5) {
        String field = fieldName(name.substring(5));
        if (!HttpHeader.HOST.is(field)) {
          fields.add(new HttpField(field, param.getValue()));
        } else if (!param.getValue().isBlank()) {
          // An empty one (cgit's usual "fastcgi_param HTTP_HOST $server_name;" in a server
          // without a server_name) says nothing: the authority comes from SERVER_NAME instead.
          fields.add(new HostPortHttpField(param.getValue()));
        }
      }
    }
    long length = -1;
    Optional<String> declared = p.get("CONTENT_LENGTH");
    if (declared.isPresent()) {
      if (!FastCgiParams.digits(declared.get(), 18)) {
        throw new IllegalArgumentException("CONTENT_LENGTH '" + declared.get()
            + "' is not a number");
      }
      length = Long.parseLong(declared.get());
      fields.remove(HttpHeader.TRANSFER_ENCODING);
      fields.put(HttpHeader.CONTENT_LENGTH, declared.get());
    } else {
      fields.remove(HttpHeader.CONTENT_LENGTH);
    }
    p.get("CONTENT_TYPE").ifPresent(type -> fields.put(HttpHeader.CONTENT_TYPE, type));
    String method = p.get("REQUEST_METHOD").orElseThrow(() ->
        new IllegalArgumentException("REQUEST_METHOD is missing"));
    HttpURI uri = uri(p, fields.get(HttpHeader.HOST));
    return new MetaData.Request(NanoTime.now(), method, uri, HttpVersion.HTTP_1_1,
        fields.asImmutable(), length);
  }

  private static HttpURI uri(FastCgiParams p, String hostField) {
    String target = p.get("REQUEST_URI").orElseGet(() -> p.get("SCRIPT_NAME").orElse("")
        + p.get("PATH_INFO").orElse("") + p.get("QUERY_STRING").map(q -> "?" + q).orElse(""));
    if (!target.startsWith("/")) {
      throw new IllegalArgumentException("the request target '" + target
          + "' does not start with /");
    }
    boolean secure = p.secure();
    String host = p.get("SERVER_NAME").filter(name -> !name.isBlank())
        .or(() -> p.get("SERVER_ADDR").filter(address -> !address.isBlank()))
        .orElse("localhost");
    int port = p.port("SERVER_PORT", secure ? 443 : 80);
    if (hostField != null && !hostField.isEmpty()) {
      // The client's Host is the authority; without a port it means the scheme's default.
      HostPort authority = new HostPort(hostField);
      host = authority.getHost();
      port = authority.getPort(secure ? 443 : 80);
    }
    return HttpURI.build().scheme(secure ? "https" : "http").authority(host, port)
        .pathQuery(target).asImmutable();
  }

  /** {@code ACCEPT_ENCODING} becomes {@code Accept-Encoding}. */
  private static String fieldName(String variable) {
    StringBuilder name = new StringBuilder(variable.length());
    boolean upper = true;
    for (char c : variable.toCharArray()) {
      if (c == '_') {
        name.append('-');
        upper = true;
      } else {
        name.append(upper ? c : Character.toLowerCase(c));
        upper = false;
      }
    }
    return name.toString();
  }
}
