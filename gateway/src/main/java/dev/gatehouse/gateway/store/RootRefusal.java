package dev.gatehouse.gateway.store;

import com.sun.security.auth.module.UnixSystem;

/**
 * PostgreSQL refuses to run as root: its {@code initdb} and server exit at once. As root, the
 * embedded database starts only where its starter can run PostgreSQL in a user namespace of its
 * own ({@code unshare -U}, as in some containers); elsewhere it cannot start. This recognises that
 * failure, so that {@code serve} names the cause in one line instead of a failed process. It is
 * judged after a failed start, not before, so that root where namespaces work is not refused.
 */
public final class RootRefusal {

  /** The one line {@code serve} prints; it names the two ways out. */
  public static final String MESSAGE = "the embedded PostgreSQL refuses to run as root: run serve as an unprivileged"
      + " user (such as the gatehouse user of the systemd unit) or set database.url";

  private RootRefusal() {}

  /** True if {@code failure} is a PostgreSQL program of the embedded server failing while this process is root. */
  public static boolean explains(Throwable failure, long uid) {
    if (uid != 0) {
      return false;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (message != null && (message.contains("/bin/initdb") || message.contains("/bin/pg_ctl"))) {
        return true;
      }
    }
    return false;
  }

  /** This process's user id. */
  public static long currentUid() {
    return new UnixSystem().getUid();
  }
}
