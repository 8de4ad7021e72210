package dev.gatehouse.gateway.tls;

import dev.gatehouse.gateway.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whom the gateway believes when it calls a runtime over https (the upstream, a remote placement,
 * their Socket.IO servers): the certificate authorities of {@code upstream.tls.caFile} when it is
 * set, otherwise the JDK's trust store. The host name is always verified.
 */
public final class UpstreamTrust {

  public static final String CA_FILE_KEY = "upstream.tls.caFile";

  private UpstreamTrust() {}

  /**
   * {@code options} trusting the CA file's certificates instead of the JDK's store, when a file
   * is given. Blocking (reads the file).
   *
   * @throws ConfigException naming {@value #CA_FILE_KEY} when the file is missing, unreadable or
   *     holds no PEM certificate
   */
  public static <T extends ClientOptionsBase> T apply(Vertx vertx, T options, Optional<Path> caFile) {
    caFile.ifPresent(file -> options.setTrustOptions(
        new PemTrustOptions().addCertValue(PemFiles.certificates(vertx, file, CA_FILE_KEY))));
    return options;
  }
}
