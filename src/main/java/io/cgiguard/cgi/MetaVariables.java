package io.cgiguard.cgi;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds a script's complete environment: the meta-variables of RFC 3875 section 4.1 from a
 * {@link CgiRequest}, the protocol-specific {@code HTTP_*} variables of section 4.1.18 from its
 * header fields, and what the {@link EnvironmentPolicy} passes through.
 *
 * <p>The child gets this map and nothing else, so it also carries the defences that live in the
 * environment: no {@code HTTP_PROXY} from a client's {@code Proxy} header (httpoxy), no header
 * whose name a different spelling could collide with ({@code X_Forwarded} vs
 * {@code X-Forwarded}), no value with NUL, and no value bash would import as a function
 * (Shellshock).
 */
public final class MetaVariables {

  /** Request fields that never become {@code HTTP_*} variables, in lower case. */
  private static final Set<String> NOT_EXPORTED = Set.of(
      // Section 4.1.18: these already are CONTENT_LENGTH and CONTENT_TYPE.
      "content-length", "content-type",
      // httpoxy: HTTP_PROXY is read by many HTTP clients as their outgoing proxy.
      "proxy",
      // Credentials meant for the gateway, and hop-by-hop fields of RFC 9110 7.6.1.
      "proxy-authorization", "connection", "keep-alive", "proxy-connection", "te", "trailer",
      "transfer-encoding", "upgrade");

  private MetaVariables() {}

  /**
   * @return the environment, names sorted, unmodifiable
   */
  public static Map<String, String> build(CgiRequest request, EnvironmentPolicy policy) {
    // One map filled in order, each group overriding the one before: headers, the passed
    // variables, then the request's and the gateway's own (no intermediate map per group).
    Map<String, String> env = new TreeMap<>();
    addHeaderVariables(env, request, policy);
    env.putAll(policy.passed());
    addRequestVariables(env, request);
    addServerVariables(env, request, policy);
    return sanitised(env, policy);
  }

  /**
   * Builds the environment of a script the front server named (a FastCGI request in fcgiwrap
   * mode): the front server's params are its meta-variables, since it is the edge that spoke to
   * the client, under the same rules as any request's: no {@code HTTP_PROXY} (httpoxy), no
   * hop-by-hop or credential fields, no PATH (the gateway's finds the interpreters), no NUL,
   * Shellshock values emptied. SCRIPT_FILENAME is the script's real path, the one that was
   * checked and will run.
   *
   * @param params the front server's params, in order
   * @param scriptFile the real path of the script that runs
   */
  public static Map<String, String> forwarded(Map<String, String> params, java.nio.file.Path
      scriptFile, EnvironmentPolicy policy) {
    Map<String, String> env = new TreeMap<>(policy.passed());
    for (Map.Entry<String, String> param : params.entrySet()) {
      String name = param.getKey();
      boolean emptyBodyField = (name.equals("CONTENT_LENGTH") || name.equals("CONTENT_TYPE"))
          && param.getValue().isEmpty();
      if (!emptyBodyField && !refusedField(name, policy)) {
        env.put(name, asSent(param.getValue()));
      }
    }
    env.put("SCRIPT_FILENAME", scriptFile.toString());
    env.putIfAbsent("GATEWAY_INTERFACE", "CGI/1.1");
    env.putIfAbsent("SERVER_SOFTWARE", policy.serverSoftware());
    env.putIfAbsent("REDIRECT_STATUS", "200");
    return sanitised(env, policy);
  }

  /** @return whether a param is one the front server may not set for the script */
  private static boolean refusedField(String name, EnvironmentPolicy policy) {
    if (name.equals("PATH")) {
      // The gateway's PATH finds the interpreters and is what allowed-programs judges.
      return true;
    }
    if (!name.startsWith("HTTP_")) {
      return false;
    }
    String field = name.substring(5).toLowerCase(Locale.ROOT).replace('_', '-');
    return NOT_EXPORTED.contains(field)
        || (field.equals("authorization") && !policy.passAuthorization());
  }

  /** The rules every environment passes last: valid names, no NUL, no bash functions. */
  private static Map<String, String> sanitised(Map<String, String> env, EnvironmentPolicy policy) {
    env.entrySet().removeIf(e -> e.getValue().indexOf('\0') >= 0 || !isName(e.getKey()));
    for (Map.Entry<String, String> variable : env.entrySet()) {
      if (looksLikeFunction(variable.getValue())) {
        boolean neutralise = policy.neutraliseShellshock();
        if (neutralise) {
          // Emptied rather than prefixed: a prefix such as a space is stripped again by some
          // bash versions, and a value that starts with "()" has no honest use.
          variable.setValue("");
        }
        policy.shellshockListener()
            .accept(new EnvironmentPolicy.ShellshockValue(variable.getKey(), neutralise));
      }
    }
    return Collections.unmodifiableMap(env);
  }

  /** Section 4.1: what the request says about itself and its client. */
  private static void addRequestVariables(Map<String, String> env, CgiRequest request) {
    request.authType().ifPresent(v -> env.put("AUTH_TYPE", v));
    request.contentLength().ifPresent(v -> env.put("CONTENT_LENGTH", Long.toString(v)));
    request.contentType().ifPresent(v -> env.put("CONTENT_TYPE", v));
    env.put("PATH_INFO", request.pathInfo());
    if (!request.pathInfo().isEmpty()) {
      env.put("PATH_TRANSLATED", request.documentRoot().toString() + request.pathInfo());
    }
    env.put("QUERY_STRING", request.rawQuery());
    env.put("REMOTE_ADDR", request.remoteAddress());
    // Section 4.1.9 allows the address when the name is unknown; a DNS lookup per request
    // would put the resolver on every request's path.
    env.put("REMOTE_HOST", request.remoteAddress());
    env.put("REMOTE_PORT", Integer.toString(request.remotePort()));
    request.remoteUser().ifPresent(v -> env.put("REMOTE_USER", v));
    env.put("REQUEST_METHOD", request.method());
    env.put("REQUEST_URI", request.requestUri());
    env.put("SCRIPT_NAME", request.scriptName());
    env.put("SCRIPT_FILENAME", request.scriptFile().toString());
  }

  /** Section 4.1: what the gateway says about itself, and the de-facto extensions. */
  private static void addServerVariables(Map<String, String> env, CgiRequest request,
      EnvironmentPolicy policy) {
    env.put("GATEWAY_INTERFACE", "CGI/1.1");
    env.put("SERVER_NAME", request.serverName());
    env.put("SERVER_PORT", Integer.toString(request.serverPort()));
    env.put("SERVER_PROTOCOL", request.protocol());
    env.put("SERVER_SOFTWARE", policy.serverSoftware());
    env.put("DOCUMENT_ROOT", request.documentRoot().toString());
    if (request.secure()) {
      env.put("HTTPS", "on");
    }
    // php-cgi refuses to run without it (its force-redirect guard).
    env.put("REDIRECT_STATUS", "200");
  }

  /** Section 4.1.18: one {@code HTTP_*} variable per exportable field name, values combined. */
  private static void addHeaderVariables(Map<String, String> env, CgiRequest request,
      EnvironmentPolicy policy) {
    for (HeaderField field : request.headers()) {
      String lower = field.name().toLowerCase(Locale.ROOT);
      if (!isExportable(field.name()) || NOT_EXPORTED.contains(lower)
          || (lower.equals("authorization") && !policy.passAuthorization())) {
        continue;
      }
      String name = "HTTP_" + field.name().toUpperCase(Locale.ROOT).replace('-', '_');
      // RFC 9110 5.3 combines repeated fields with commas; Cookie uses "; " (RFC 6265 5.4).
      String separator = lower.equals("cookie") ? "; " : ", ";
      env.merge(name, asSent(field.value()), (first, next) -> first + separator + next);
    }
  }

  /**
   * A header value (or a front server's param) as the client sent its bytes. Jetty and the
   * FastCGI reader take each byte as one ISO-8859-1 character, and the environment is written out
   * as UTF-8, so a value sent as UTF-8 (a cookie or a custom header with non-ASCII text, a
   * non-ASCII PATH_INFO from nginx) would reach the script encoded twice. Such a value is decoded
   * here, and written back as the very bytes that came. A value that is not valid UTF-8 (raw
   * ISO-8859-1, which RFC 9110 calls obsolete) keeps its characters, written as their UTF-8.
   */
  static String asSent(String latin1) {
    boolean ascii = true;
    for (int i = 0; i < latin1.length(); i++) {
      char c = latin1.charAt(i);
      if (c > 0xFF) {
        return latin1;
      }
      ascii &= c < 0x80;
    }
    if (ascii) {
      return latin1;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(latin1.getBytes(StandardCharsets.ISO_8859_1))).toString();
    } catch (CharacterCodingException notUtf8) {
      return latin1;
    }
  }

  /** Letters, digits and {@code -} only: {@code _} would let two names map to one variable. */
  private static boolean isExportable(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean isName(String name) {
    return !name.isEmpty() && name.indexOf('=') < 0 && name.indexOf('\0') < 0;
  }

  /** Bash (before its 2014 fixes) imported any variable whose value began with "() {". */
  static boolean looksLikeFunction(String value) {
    int i = 0;
    while (i < value.length() && Character.isWhitespace(value.charAt(i))) {
      i++;
    }
    return value.startsWith("()", i);
  }
}
