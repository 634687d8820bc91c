package io.cgiguard.http;

import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each request to the current {@link Site} and keeps it there until its response is done,
 * so that a reload changes what new requests see and nothing that is running. A replaced site
 * stops (its static files handler closes) when its last request has left.
 *
 * <p>Once the gateway drains, every response asks its client to close the connection, so that
 * keep-alive clients reconnect, through their load balancer, to an instance that stays.
 */
final class SiteSwitch extends Handler.Abstract {

  private static final Logger LOG = LoggerFactory.getLogger(SiteSwitch.class);

  private volatile Site current;
  private volatile boolean closing;

  SiteSwitch(Site first) {
    super(InvocationType.BLOCKING);
    this.current = first;
  }

  /** @return the site new requests see */
  Site current() {
    return current;
  }

  /** Makes {@code next} the site of every request from now on; the old one retires. */
  void install(Site next) throws Exception {
    Server server = getServer();
    next.handler().setServer(server);
    if (isStarted()) {
      try {
        next.handler().start();
      } catch (Exception e) {
        stopQuietly(next);
        throw e;
      }
    }
    Site old;
    synchronized (this) {
      old = current;
      current = next;
    }
    old.retire(() -> stopQuietly(old));
  }

  /** From now on every response carries {@code Connection: close}. */
  void closeConnections() {
    closing = true;
  }

  @Override
  public void setServer(Server server) {
    super.setServer(server);
    current.handler().setServer(server);
  }

  @Override
  protected void doStart() throws Exception {
    current.handler().start();
    super.doStart();
  }

  @Override
  protected void doStop() throws Exception {
    super.doStop();
    current.handler().stop();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    Site site = current;
    while (!site.enter()) {
      // Retired between the read and the enter: the one installed since is the current one.
      site = current;
    }
    if (closing) {
      response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
    }
    Leaving leaving = new Leaving(callback, site);
    try {
      boolean handled = site.handler().handle(request, response, leaving);
      if (!handled) {
        leaving.leave();
      }
      return handled;
    } catch (Exception | Error e) {
      leaving.leave();
      throw e;
    }
  }

  /** Leaves the site exactly once, when the response is done or the handler gave up. */
  private static final class Leaving extends Callback.Nested {
    private final Site site;
    private final AtomicBoolean left = new AtomicBoolean();

    Leaving(Callback callback, Site site) {
      super(callback);
      this.site = site;
    }

    void leave() {
      if (left.compareAndSet(false, true)) {
        site.leave();
      }
    }

    @Override
    public void succeeded() {
      leave();
      super.succeeded();
    }

    @Override
    public void failed(Throwable failure) {
      leave();
      super.failed(failure);
    }
  }

  private static void stopQuietly(Site site) {
    try {
      site.handler().stop();
    } catch (Exception e) {
      LOG.warn("stopping a replaced site failed", e);
    }
  }
}
