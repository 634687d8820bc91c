package io.cgiguard.cli;

import io.cgiguard.attempt.AttemptPlan;
import io.cgiguard.attempt.BodySource;
import io.cgiguard.attempt.Outcome;
import io.cgiguard.cgi.CgiRequest;
import io.cgiguard.cgi.EnvironmentPolicy;
import io.cgiguard.cgi.HeaderField;
import io.cgiguard.cgi.MetaVariables;
import io.cgiguard.cgi.Resolution;
import io.cgiguard.config.GatewayConfig;
import io.cgiguard.launch.posix.Privileges;
import io.cgiguard.plan.ScriptCommand;
import io.cgiguard.plan.ScriptPlans;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cgiguard run SCRIPT}: one request to one script through the same launcher, attempt loop,
 * classifier and diagnosis as the server, with no server. The tool for "it sometimes says CGI
 * Error": it prints the response head and body, or the failure and its likely cause. Started as
 * root, it first becomes {@code [server] run-as}, as {@code serve} does.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run one CGI script once, as the gateway would, and explain what happened.")
public final class RunCommand implements Callable<Integer> {

  @Mixin ConfigOptions configOptions = new ConfigOptions();

  @Parameters(index = "0", paramLabel = "SCRIPT", description = "The CGI program to run.")
  Path script;

  @Option(names = "--method", defaultValue = "GET", description = "Request method (default GET).")
  String method;

  @Option(names = "--query", defaultValue = "", description = "QUERY_STRING, undecoded.")
  String query;

  @Option(names = "--path-info", defaultValue = "", description = "PATH_INFO, e.g. /a/b.")
  String pathInfo;

  @Option(names = "--header", paramLabel = "'NAME: VALUE'", description = "A request header "
      + "(repeatable); becomes HTTP_NAME.")
  List<String> headers = new ArrayList<>();

  @Option(names = "--body", paramLabel = "FILE|-", description = "Request body from a file, or - "
      + "for stdin.")
  String body;

  @Option(names = "--no-body-output", description = "Print the response head only.")
  boolean headOnly;

  @Override
  public Integer call() throws Exception {
    Path file = script.toAbsolutePath().normalize();
    if (!Files.isRegularFile(file)) {
      throw new UsageException("no such script: " + script);
    }
    file = file.toRealPath();
    GatewayConfig config = configOptions.load();
    byte[] bytes = readBody();
    // Before anything of the script's is planned or started, as serve drops before it serves.
    Privileges.Outcome user = RunAsUser.become(config.server().runAs(), "[server] run-as");
    String name = file.getFileName().toString();
    GatewayConfig.Mount mount = mountOf(config, file);
    Resolution.Found found = new Resolution.Found(file, mount.url() + name, pathInfo);
    ScriptCommand.Command command = new ScriptCommand(config.interpreters(), config.arguments())
        .build(mount, file, query);
    Map<String, String> environment = MetaVariables.build(request(found, mount, config, bytes),
        new EnvironmentPolicy(config.environment().passedFrom(System.getenv()),
            mount.passAuthorization(), config.environment().neutraliseShellshock(),
            "cgiguard/" + Version.current(), value -> {}));
    ScriptPlans plans = new ScriptPlans(config);
    AttemptPlan plan = plans.plan(found, command, command.mapping(), environment,
        method.toUpperCase(java.util.Locale.ROOT), bodySource(bytes), Instant.now(),
        line -> System.err.println("stderr: " + line));
    try (RunSession session = new RunSession(config)) {
      Outcome outcome = session.attempts().run(plan);
      RunReport report = new RunReport(System.out);
      report.command(command.argv());
      report.user(user);
      if (outcome instanceof Outcome.Relay relay) {
        return report.relayed(relay, headOnly);
      }
      if (outcome instanceof Outcome.Failed failed) {
        return report.failed(failed, plans.diagnose(failed.failure(), plan, file));
      }
      return report.refused((Outcome.Refused) outcome);
    }
  }

  private static GatewayConfig.Mount mountOf(GatewayConfig config, Path file) {
    for (GatewayConfig.Mount mount : config.mounts()) {
      if (file.startsWith(mount.dir().toAbsolutePath())) {
        return mount;
      }
    }
    GatewayConfig.Mount first = config.mounts().isEmpty() ? null : config.mounts().get(0);
    return new GatewayConfig.Mount("/cgi-bin/", file.getParent(), false,
        first != null && first.passAuthorization(),
        first != null ? first.allowedMethods() : java.util.Set.of(),
        first != null ? first.handlers() : List.of());
  }

  private CgiRequest request(Resolution.Found found, GatewayConfig.Mount mount,
      GatewayConfig config, byte[] bytes) {
    List<HeaderField> fields = new ArrayList<>();
    for (String header : headers) {
      int colon = header.indexOf(':');
      if (colon <= 0) {
        throw new UsageException("--header must look like 'Name: value' (got '" + header + "')");
      }
      fields.add(new HeaderField(header.substring(0, colon).trim(),
          header.substring(colon + 1).trim()));
    }
    String target = found.scriptName() + pathInfo + (query.isEmpty() ? "" : "?" + query);
    Optional<String> type = fields.stream().filter(f -> f.is("Content-Type"))
        .map(HeaderField::value).findFirst();
    return new CgiRequest(method.toUpperCase(java.util.Locale.ROOT), target, query,
        found.scriptName(), pathInfo, found.scriptFile(),
        config.server().docroot().orElse(mount.dir().toAbsolutePath()), fields,
        "127.0.0.1", 0, "localhost", 80, "HTTP/1.1", false, Optional.empty(), Optional.empty(),
        bytes == null ? OptionalLong.empty() : OptionalLong.of(bytes.length), type);
  }

  private byte[] readBody() throws IOException {
    if (body == null) {
      return null;
    }
    if (body.equals("-")) {
      return System.in.readAllBytes();
    }
    Path path = Path.of(body);
    if (!Files.isReadable(path)) {
      throw new UsageException("cannot read the body file " + body);
    }
    return Files.readAllBytes(path);
  }

  private static BodySource bodySource(byte[] bytes) {
    return bytes == null ? BodySource.NONE : BodySource.of(bytes);
  }
}
