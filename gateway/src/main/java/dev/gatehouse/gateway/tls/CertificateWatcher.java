package dev.gatehouse.gateway.tls;

import dev.gatehouse.gateway.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.ServerSSLOptions;
import java.time.Duration;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads a listener's certificate when its files change. Every {@link #INTERVAL} the files are
 * read (off the event loop) and compared, byte for byte through a digest, with what the listener
 * presents; a changed set that passes the same checks as at start becomes the listener's for new
 * connections. Connections already open, and the requests on them, keep the certificate they
 * were made with: nothing in flight is dropped. A changed set that fails a check (a key that does
 * not match, say, while only one of the two files was replaced) leaves the listener as it is and
 * is logged once, with the reason and never the content; the files are checked again at the next
 * interval.
 */
public final class CertificateWatcher {

  /** How often the files are checked. */
  public static final Duration INTERVAL = Duration.ofSeconds(2);

  private static final Logger LOG = LoggerFactory.getLogger(CertificateWatcher.class);

  private final Vertx vertx;
  private final ListenerTls tls;
  private final String listener;
  private final Function<ServerSSLOptions, Future<?>> update;
  private final long timer;
  /** Digest of the files the listener presents; why the last set was refused; one check at a time. */
  private volatile String presented;
  private volatile String refused;
  private volatile boolean checking;

  private CertificateWatcher(Vertx vertx, ListenerTls tls, String listener, ListenerTls.Credentials initial,
      Function<ServerSSLOptions, Future<?>> update) {
    this.vertx = vertx;
    this.tls = tls;
    this.listener = listener;
    this.update = update;
    this.presented = initial.digest();
    LOG.info("TLS on: listener={} {}", listener, initial.pair().describe());
    this.timer = vertx.setPeriodic(INTERVAL.toMillis(), id -> check());
  }

  static CertificateWatcher start(Vertx vertx, ListenerTls tls, String listener, ListenerTls.Credentials initial,
      Function<ServerSSLOptions, Future<?>> update) {
    return new CertificateWatcher(vertx, tls, listener, initial, update);
  }

  /** Stops checking. */
  public void stop() {
    vertx.cancelTimer(timer);
  }

  private void check() {
    if (checking) {
      return;
    }
    checking = true;
    vertx.executeBlocking(tls::read, false)
        .compose(credentials -> {
          if (credentials.digest().equals(presented)) {
            return Future.succeededFuture();
          }
          return update.apply(ListenerTls.sslOptions(credentials)).map(updated -> {
            presented = credentials.digest();
            refused = null;
            LOG.info("TLS certificate reloaded: listener={} {}", listener, credentials.pair().describe());
            return null;
          });
        })
        .onFailure(this::refuse)
        .onComplete(done -> checking = false);
  }

  private void refuse(Throwable failure) {
    String reason = failure instanceof ConfigException ? failure.getMessage()
        : "the TLS engine refused the new certificate (" + failure.getClass().getSimpleName() + ")";
    if (!reason.equals(refused)) {
      refused = reason;
      LOG.warn("TLS certificate not reloaded, the listener keeps its current one: listener={} reason={}", listener,
          reason);
    }
  }
}
