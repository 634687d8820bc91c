package io.cgiguard.cgi;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The facts about one HTTP request that RFC 3875 section 4.1 turns into meta-variables, gathered
 * by the HTTP layer so that this package need not know it.
 *
 * @param method the request method, as received
 * @param requestUri the request target as received: raw path and query, undecoded
 * @param rawQuery the query string without {@code ?}, undecoded; empty when there is none
 * @param scriptName the URL path of the script, mount prefix included (SCRIPT_NAME)
 * @param pathInfo the decoded rest of the path after the script, empty when none (PATH_INFO)
 * @param scriptFile the real path of the script file (SCRIPT_FILENAME)
 * @param documentRoot the real path of the document root (DOCUMENT_ROOT, PATH_TRANSLATED)
 * @param headers the request's header fields in order, names as received
 * @param remoteAddress the client's IP address
 * @param remotePort the client's port
 * @param serverName the host name the request was addressed to, from {@code Host} or the socket
 * @param serverPort the port the request was received on
 * @param protocol {@code HTTP/1.1} and the like
 * @param secure whether the request came over TLS
 * @param authType the authentication scheme the gateway verified, if any
 * @param remoteUser the user the gateway authenticated, if any
 * @param contentLength the body's length when the request declared one; empty for a chunked body
 *     or none
 * @param contentType the body's media type, if any
 */
public record CgiRequest(
    String method,
    String requestUri,
    String rawQuery,
    String scriptName,
    String pathInfo,
    Path scriptFile,
    Path documentRoot,
    List<HeaderField> headers,
    String remoteAddress,
    int remotePort,
    String serverName,
    int serverPort,
    String protocol,
    boolean secure,
    Optional<String> authType,
    Optional<String> remoteUser,
    OptionalLong contentLength,
    Optional<String> contentType) {

  public CgiRequest {
    headers = List.copyOf(headers);
  }
}
