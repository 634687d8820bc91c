package io.cgiguard.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code SIGUSR1} reopens the access log file, as logrotate's {@code postrotate} expects
 * ({@code kill -USR1}). HotSpot on Linux leaves {@code SIGUSR1} to applications. The JDK's
 * signal API ({@code sun.misc.Signal}, in {@code jdk.unsupported}) is reached by reflection:
 * named in source, javac warns about it on every build with no way to silence the warning.
 */
final class ReopenSignal {

  private static final Logger LOG = LoggerFactory.getLogger(ReopenSignal.class);

  private ReopenSignal() {}

  /** What the signal runs. */
  interface Action {
    void run() throws Exception;
  }

  /** Runs {@code action} on every {@code SIGUSR1}; logs a warning if signals are unavailable. */
  static void install(Action action) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      InvocationHandler onSignal = (proxy, method, args) -> switch (method.getName()) {
        case "handle" -> {
          reopen(action);
          yield null;
        }
        case "hashCode" -> System.identityHashCode(proxy);
        case "equals" -> proxy == args[0];
        default -> "SIGUSR1 reopens the access log";
      };
      Object proxy = Proxy.newProxyInstance(ReopenSignal.class.getClassLoader(),
          new Class<?>[] {handler}, onSignal);
      signal.getMethod("handle", signal, handler)
          .invoke(null, signal.getConstructor(String.class).newInstance("USR1"), proxy);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("SIGUSR1 cannot be handled here ({}); the access log file is not reopened on "
          + "signal", e.toString());
    }
  }

  private static void reopen(Action action) {
    try {
      action.run();
      LOG.info("SIGUSR1: access log reopened");
    } catch (Exception e) {
      LOG.warn("SIGUSR1: reopening the access log failed: {}", e.getMessage());
    }
  }
}
