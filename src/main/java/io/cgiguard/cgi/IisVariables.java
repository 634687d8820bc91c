package io.cgiguard.cgi;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The server variables IIS gives a CGI program beyond RFC 3875, for scripts migrated from IIS that
 * read them. Values follow IIS's documentation ("IIS Server Variables"), in this server's terms:
 * physical paths are the Linux paths the site now lives at.
 *
 * <p>None of them comes from a request header: LOGON_USER and AUTH_USER are the authenticated
 * user, which is nobody (IIS's anonymous user has an empty name), whatever an {@code
 * Authorization} header claims.
 */
public final class IisVariables {

  private IisVariables() {}

  /**
   * @param siteId the IIS site id
   * @param applications the URL paths of the site's applications, {@code /} among them
   * @param scriptName SCRIPT_NAME
   * @param pathInfo PATH_INFO, decoded; empty when none
   * @param secure whether the request came over TLS
   * @param localAddress the address the request was received on
   * @param translate the file-system path this server maps a URL path to, if any
   */
  public static Map<String, String> of(int siteId, List<String> applications, String scriptName,
      String pathInfo, boolean secure, String localAddress,
      Function<String, Optional<Path>> translate) {
    Map<String, String> env = new LinkedHashMap<>();
    String application = application(applications, scriptName);
    String instance = "/LM/W3SVC/" + siteId;
    env.put("URL", scriptName + pathInfo);
    env.put("INSTANCE_ID", Integer.toString(siteId));
    env.put("INSTANCE_META_PATH", instance);
    env.put("APPL_MD_PATH", instance + "/ROOT" + (application.equals("/") ? "" : application));
    translate.apply(application).ifPresent(dir -> env.put("APPL_PHYSICAL_PATH",
        dir.toString().endsWith("/") ? dir.toString() : dir + "/"));
    env.put("SERVER_PORT_SECURE", secure ? "1" : "0");
    env.put("HTTPS", secure ? "on" : "off");
    env.put("LOGON_USER", "");
    env.put("AUTH_USER", "");
    env.put("LOCAL_ADDR", localAddress);
    if (!pathInfo.isEmpty()) {
      translate.apply(pathInfo).ifPresent(p -> env.put("PATH_TRANSLATED", p.toString()));
    }
    return env;
  }

  /** @return the longest application path that covers {@code urlPath}, ignoring case */
  static String application(List<String> applications, String urlPath) {
    String lower = urlPath.toLowerCase(Locale.ROOT);
    String best = "/";
    for (String app : applications) {
      String a = app.toLowerCase(Locale.ROOT);
      boolean covers = a.equals("/") || lower.equals(a) || lower.startsWith(a + "/");
      if (covers && app.length() > best.length()) {
        best = app;
      }
    }
    return best;
  }
}
