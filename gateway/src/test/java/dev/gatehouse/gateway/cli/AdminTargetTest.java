package dev.gatehouse.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The admin commands find the node's admin listener, and its scheme, in the configuration. */
class AdminTargetTest {

  @Test
  void the_admin_url_follows_the_listener_and_its_tls() {
    AdminTarget plain = AdminTarget.resolve(null, null, null,
        Map.of("GATEHOUSE_ADMIN_LISTEN", "0.0.0.0:9081", "GATEHOUSE_DATA_DIR", "/var/lib/gh"));
    AdminTarget tls = AdminTarget.resolve(null, null, null, Map.of("GATEHOUSE_ADMIN_LISTEN", "10.0.0.5:9443",
        "GATEHOUSE_ADMIN_TLS_CERT_FILE", "/etc/gh/admin.crt", "GATEHOUSE_ADMIN_TLS_KEY_FILE", "/etc/gh/admin.key"));

    assertEquals("http://127.0.0.1:9081", plain.url());
    assertEquals(Path.of("/var/lib/gh", "admin-token"), plain.tokenFile());
    assertEquals("https://10.0.0.5:9443", tls.url());
  }
}
