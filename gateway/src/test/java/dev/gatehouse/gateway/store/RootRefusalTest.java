package dev.gatehouse.gateway.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** How a start of the embedded PostgreSQL fails as root (zonky's message for a failed initdb) and what is not that. */
class RootRefusalTest {

  static final IllegalStateException INITDB_FAILED = new IllegalStateException(
      "Process [/tmp/embedded-pg/PG-16c5/bin/initdb, -A, trust, -U, postgres, -D, /var/lib/gatehouse/pg, -E, UTF-8] failed");

  @Test
  void aFailedInitdbAsRootIsTheRootRefusalWhereverItIsWrapped() {
    assertTrue(RootRefusal.explains(INITDB_FAILED, 0));
    assertTrue(RootRefusal.explains(new IllegalStateException(new IOException("start failed", INITDB_FAILED)), 0));
    assertTrue(RootRefusal.explains(new IllegalStateException("Process [/x/bin/pg_ctl, -D, /d, start] failed"), 0));
  }

  @Test
  void anyOtherUserOrFailureIsNot() {
    assertFalse(RootRefusal.explains(INITDB_FAILED, 1000), "an unprivileged user's initdb failed for another reason");
    assertFalse(RootRefusal.explains(new IllegalStateException("timed out after PT20M"), 0));
    assertFalse(RootRefusal.explains(new IllegalStateException(new IOException("no space left")), 0));
  }
}
