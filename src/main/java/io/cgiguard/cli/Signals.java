package io.cgiguard.cli;

import io.cgiguard.launch.posix.SignalDisposition;
import io.cgiguard.launch.posix.SignalPipe;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSIX signal handlers. {@link #handle} takes a signal through the gateway's {@link SignalPipe},
 * whose one thread runs every action, so that a signal arriving when no thread can be made (a full
 * process table) is still acted on. Without the native library it needs, and for {@link #during},
 * it goes through the JDK's {@code sun.misc.Signal} (module {@code jdk.unsupported}, exported for
 * exactly this use), reached reflectively so that the build stays free of internal-API warnings;
 * the JVM runs each such handler in a thread it makes when the signal arrives.
 */
final class Signals {

  private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /**
   * Opens the signal pipe and starts its reader thread now, where the caller can still turn a
   * thread that cannot be made into a one-line refusal; without the native library it does
   * nothing, and {@link #handle} goes through the JVM.
   */
  static void prepare() {
    SignalPipe.open();
  }

  /**
   * Runs {@code action} whenever the process receives {@code SIG<name>}, instead of the JVM's
   * default (which for HUP and TERM is to exit): on the signal pipe's thread where the native
   * library is there, which takes the signal even under {@code -Xrs}; otherwise on a thread the
   * JVM makes for each signal. The action must return quickly: later signals wait for it.
   *
   * @return whether the handler is in place; through the JVM it is not when the JVM runs with
   *     {@code -Xrs} or has no such signal, and that is logged
   */
  static boolean handle(String name, Runnable action) {
    restoreIfIgnored(name);
    return take(name, action);
  }

  /**
   * As {@link #handle}, but a signal ignored since start stays ignored, as the JVM leaves it: a
   * shell without job control starts a background command with {@code SIGINT} ignored, so that
   * a Ctrl-C meant for the shell does not reach it.
   *
   * @return whether the handler is in place
   */
  static boolean handleUnlessIgnored(String name, Runnable action) {
    try {
      if (SignalDisposition.isIgnored(number(name))) {
        LOG.info("SIG{} was ignored when the gateway started; it stays ignored", name);
        return false;
      }
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      LOG.debug("SIG{}: cannot tell whether it was ignored at start", name, e);
    }
    return take(name, action);
  }

  private static boolean take(String name, Runnable action) {
    Optional<SignalPipe> pipe = SignalPipe.open();
    if (pipe.isPresent()) {
      try {
        pipe.get().take(number(name), () -> run(name, action));
        return true;
      } catch (ReflectiveOperationException | RuntimeException e) {
        LOG.warn("SIG{} cannot go through the gateway's signal thread ({}); the JVM takes it",
            name, e.getMessage());
      }
    }
    return install(name, action) != null;
  }

  /**
   * @return how {@link #handle} takes signals in this process, for the log: through the gateway's
   *     own thread, or through the JVM and why
   */
  static String how() {
    return SignalPipe.open().isPresent()
        ? "signals are taken by the gateway's own thread, so one arriving when no thread can be "
            + "made is still acted on"
        : "signals go through the JVM, which makes a thread for each: one arriving when no thread "
            + "can be made is lost (" + SignalPipe.whyNot().orElse("?") + ")";
  }

  private static int number(String name) throws ReflectiveOperationException {
    Class<?> signalType = Class.forName("sun.misc.Signal");
    return (int) signalType.getMethod("getNumber")
        .invoke(signalType.getConstructor(String.class).newInstance(name));
  }

  private static void run(String name, Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      LOG.error("handling SIG{} failed", name, e);
    }
  }

  /**
   * A gateway started under {@code nohup} (or by a parent ignoring the signal) inherits SIGHUP
   * ignored, and the JVM would then leave it ignored whatever handler is asked for: SIGHUP would
   * reload nothing, and say nothing. The default goes back first ({@link SignalDisposition}), as
   * nginx and Apache take their signals whatever they inherit.
   */
  private static void restoreIfIgnored(String name) {
    try {
      if (SignalDisposition.restoreIfIgnored(number(name))) {
        LOG.info("SIG{} was ignored when the gateway started (as under nohup); the gateway "
            + "takes it now", name);
      }
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      LOG.debug("SIG{}: cannot tell whether it was ignored at start", name, e);
    }
  }

  /**
   * Runs {@code action} on {@code SIG<name>} until the returned handle is closed, which puts the
   * previous handler back.
   */
  static Restore during(String name, Runnable action) {
    Object previous = install(name, action);
    return () -> {
      if (previous != null) {
        try {
          Class<?> signalType = Class.forName("sun.misc.Signal");
          Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
          signalType.getMethod("handle", signalType, handlerType).invoke(null,
              signalType.getConstructor(String.class).newInstance(name), previous);
        } catch (ReflectiveOperationException | RuntimeException e) {
          LOG.warn("SIG{}: the previous handler could not be put back", name, e);
        }
      }
    };
  }

  /** Puts a handler back when closed; closing it throws nothing. */
  interface Restore extends AutoCloseable {
    @Override
    void close();
  }

  /** @return the handler that was in place, or null when none could be installed */
  private static Object install(String name, Runnable action) {
    try {
      Class<?> signalType = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      Object signal = signalType.getConstructor(String.class).newInstance(name);
      Object handler = Proxy.newProxyInstance(handlerType.getClassLoader(),
          new Class<?>[] {handlerType}, new Dispatch(name, action));
      return signalType.getMethod("handle", signalType, handlerType).invoke(null, signal, handler);
    } catch (ReflectiveOperationException | RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      LOG.warn("SIG{} cannot be handled in this JVM ({}); it keeps its default action", name,
          cause.getMessage());
      return null;
    }
  }

  /** The proxy's one real method is {@code handle(Signal)}; the others are Object's. */
  private static final class Dispatch implements InvocationHandler {
    private final String name;
    private final Runnable action;

    Dispatch(String name, Runnable action) {
      this.name = name;
      this.action = action;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) {
      switch (method.getName()) {
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        case "toString":
          return "handler of SIG" + name;
        default:
          Signals.run(name, action);
          return null;
      }
    }
  }
}
