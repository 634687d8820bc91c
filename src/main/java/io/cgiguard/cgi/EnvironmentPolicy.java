package io.cgiguard.cgi;

import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What the gateway adds to, and keeps from, a script's environment beyond the meta-variables of
 * RFC 3875 section 4.1; the input of {@link MetaVariables#build} besides the request.
 *
 * @param passed variables passed from the gateway's own environment (read once at start-up from
 *     an allow-list) and fixed values from the configuration; meta-variables win over them, and
 *     they win over {@code HTTP_*} variables made from request headers
 * @param passAuthorization whether the request's {@code Authorization} header reaches the script
 *     as {@code HTTP_AUTHORIZATION} (off by default in real servers: it carries credentials)
 * @param neutraliseShellshock whether a value that bash would import as a function definition
 *     (CVE-2014-6271) is emptied before the script sees it
 * @param serverSoftware the SERVER_SOFTWARE value, e.g. {@code cgiguard/0.1}
 * @param shellshockListener told of every such value found, whether or not it was neutralised,
 *     so that the caller can log it with the request id
 */
public record EnvironmentPolicy(
    Map<String, String> passed,
    boolean passAuthorization,
    boolean neutraliseShellshock,
    String serverSoftware,
    Consumer<ShellshockValue> shellshockListener) {

  public EnvironmentPolicy {
    passed = Map.copyOf(passed);
    Objects.requireNonNull(serverSoftware, "serverSoftware");
    Objects.requireNonNull(shellshockListener, "shellshockListener");
  }

  /**
   * A variable whose value began like a bash function definition.
   *
   * @param variable the variable's name, e.g. {@code HTTP_USER_AGENT}
   * @param neutralised whether its value was emptied
   */
  public record ShellshockValue(String variable, boolean neutralised) {}
}
