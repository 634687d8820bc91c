package io.cgiguard.iis;

import java.util.List;

/**
 * A site of {@code system.applicationHost/sites}: its id (1 when it has none), its bindings and its applications, each with
 * its virtual directories. Paths are IIS's, "/" rooted, physical paths still Windows paths.
 */
public record IisSite(String name, int id, List<Binding> bindings,
    List<Application> applications) {

  public IisSite {
    bindings = List.copyOf(bindings);
    applications = List.copyOf(applications);
  }

  /** {@code <binding protocol="http" bindingInformation="*:80:host"/>}. */
  public record Binding(String protocol, String bindingInformation) {}

  /** {@code <application path="/app">}. */
  public record Application(String path, List<VirtualDirectory> virtualDirectories) {

    public Application {
      virtualDirectories = List.copyOf(virtualDirectories);
    }
  }

  /** {@code <virtualDirectory path="/" physicalPath="C:\inetpub\wwwroot"/>}. */
  public record VirtualDirectory(String path, String physicalPath) {}

  /** The URL path of a virtual directory of an application: "/app" + "/dir", "/" at the root. */
  public static String urlPath(Application app, VirtualDirectory dir) {
    String joined = ConfigScope.join(app.path(), dir.path());
    return "/" + joined;
  }
}
