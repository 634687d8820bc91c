package io.cgiguard.http;

import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.Request;

/**
 * The params a front server sent with a FastCGI request: the CGI environment it made (RFC 3875
 * section 4.1) as the trusted edge that spoke HTTP to the client. Carried as a request attribute,
 * so the request runs through the gateway like any other and the steps that need the edge's facts
 * (the client's address, TLS, the server's name and port) ask for them here.
 *
 * @param params the params in the order received
 * @param namesScript whether the script is the one SCRIPT_FILENAME names (fcgiwrap mode)
 */
record FastCgiParams(Map<String, String> params, boolean namesScript) {

  private static final String ATTRIBUTE = FastCgiParams.class.getName();

  FastCgiParams {
    params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
  }

  /** @return the params {@code request} came with, when it came over FastCGI */
  static Optional<FastCgiParams> of(Request request) {
    return request.getAttribute(ATTRIBUTE) instanceof FastCgiParams p ? Optional.of(p)
        : Optional.empty();
  }

  void attachTo(Request request) {
    request.setAttribute(ATTRIBUTE, this);
  }

  /**
   * @return these params with the script named as {@code named} says: those of SCRIPT_FILENAME,
   *     SCRIPT_NAME and PATH_INFO that differ replaced (an emptied one left out), every other
   *     param as it was
   */
  FastCgiParams naming(io.cgiguard.fastcgi.ScriptFilenames.Named named) {
    java.util.LinkedHashMap<String, String> renamed = new java.util.LinkedHashMap<>(params);
    put(renamed, "SCRIPT_FILENAME", named.scriptFilename());
    put(renamed, "SCRIPT_NAME", named.scriptName());
    put(renamed, "PATH_INFO", named.pathInfo());
    return new FastCgiParams(renamed, namesScript);
  }

  private void put(Map<String, String> params, String name, String value) {
    if (value.equals(get(name).orElse(""))) {
      return;
    }
    if (value.isEmpty()) {
      params.remove(name);
    } else {
      params.put(name, value);
    }
  }

  /** @return the param's value when it is present and not empty */
  Optional<String> get(String name) {
    String value = params.get(name);
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  /** @return the param as a port number, or {@code fallback} */
  int port(String name, int fallback) {
    Optional<String> value = get(name);
    if (value.isPresent() && digits(value.get(), 5)) {
      int port = Integer.parseInt(value.get());
      return port <= 65535 ? port : fallback;
    }
    return fallback;
  }

  /** @return whether {@code value} is one to {@code maxDigits} ASCII digits and nothing else */
  static boolean digits(String value, int maxDigits) {
    if (value.isEmpty() || value.length() > maxDigits) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** @return whether the client spoke TLS to the front server */
  boolean secure() {
    return get("HTTPS").map(v -> !v.equalsIgnoreCase("off")).orElse(false)
        || get("REQUEST_SCHEME").map("https"::equalsIgnoreCase).orElse(false);
  }
}
