package dev.gatehouse.gateway.tls;

import dev.gatehouse.gateway.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.TrustManagerFactory;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * TLS to PostgreSQL, as libpq spells it: {@code sslmode} in {@code database.url}
 * ({@code disable}, the default, {@code allow}, {@code prefer}, {@code require}, {@code verify-ca},
 * {@code verify-full}), and the certificate authorities in {@code database.tls.caFile}. The same
 * settings reach every connection the gateway makes: the pool, the change feed (both Vert.x) and
 * the schema migrations (JDBC).
 *
 * <p>{@code allow}, {@code prefer} and {@code require} encrypt without checking the server's
 * certificate, as libpq does without a root certificate. {@code verify-ca} checks that a trusted CA
 * signed it, {@code verify-full} also that it names the host of the URL; both trust
 * {@code database.tls.caFile}, or the JDK's trust store when it is unset. A CA file with any other
 * mode is refused, as are the URL's other {@code ssl*} parameters: the one place for the CA is
 * {@code database.tls.caFile}.
 */
public record DatabaseTls(SslMode mode, Optional<Path> caFile) {

  public static final String URL_KEY = "database.url";
  public static final String CA_FILE_KEY = "database.tls.caFile";
  /** No TLS: the embedded PostgreSQL on loopback, or a URL without {@code sslmode}. */
  public static final DatabaseTls DISABLED = new DatabaseTls(SslMode.DISABLE, Optional.empty());
  /** Any libpq TLS parameter, in any case: all but {@code sslmode} are refused, not ignored. */
  private static final Pattern SSL_PARAMETER = Pattern.compile("ssl.*", Pattern.CASE_INSENSITIVE);

  /**
   * The TLS settings of {@code url} and {@code caFile}.
   *
   * @throws ConfigException naming {@value #URL_KEY} for an unknown {@code sslmode} or another
   *     {@code ssl*} parameter, or {@value #CA_FILE_KEY} for a CA file with a mode that checks no
   *     certificate
   */
  public static DatabaseTls of(URI url, Optional<Path> caFile) {
    SslMode mode = SslMode.DISABLE;
    String query = url.getRawQuery();
    if (query != null) {
      for (String parameter : query.split("&")) {
        String name = parameter.contains("=") ? parameter.substring(0, parameter.indexOf('=')) : parameter;
        String value = parameter.substring(name.length() + (parameter.contains("=") ? 1 : 0));
        if (name.equals("sslmode")) {
          mode = sslMode(value);
        } else if (SSL_PARAMETER.matcher(name).matches()) {
          throw new ConfigException(URL_KEY, "of its ssl parameters only sslmode is supported: the CA goes in "
              + CA_FILE_KEY);
        }
      }
    }
    boolean verifies = mode == SslMode.VERIFY_CA || mode == SslMode.VERIFY_FULL;
    if (caFile.isPresent() && !verifies) {
      throw new ConfigException(CA_FILE_KEY, "needs sslmode=verify-full or sslmode=verify-ca in " + URL_KEY
          + ": no other mode checks the server's certificate");
    }
    return new DatabaseTls(mode, caFile);
  }

  private static SslMode sslMode(String value) {
    for (SslMode mode : SslMode.VALUES) {
      if (mode.value.equals(value)) {
        return mode;
      }
    }
    throw new ConfigException(URL_KEY, "sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full");
  }

  /**
   * {@code options} (Vert.x: pool and change feed) with these settings. Blocking (reads the CA file).
   *
   * @throws ConfigException naming {@value #CA_FILE_KEY} when the file is missing, unreadable or
   *     holds no PEM certificate
   */
  public PgConnectOptions applyTo(Vertx vertx, PgConnectOptions options) {
    options.setSslMode(mode);
    if (mode == SslMode.DISABLE) {
      return options;
    }
    ClientSSLOptions ssl = new ClientSSLOptions();
    switch (mode) {
      case VERIFY_FULL -> ssl.setHostnameVerificationAlgorithm("HTTPS").setTrustOptions(trust(vertx));
      case VERIFY_CA -> ssl.setHostnameVerificationAlgorithm("").setTrustOptions(trust(vertx));
      default -> ssl.setHostnameVerificationAlgorithm("").setTrustAll(true);
    }
    return options.setSslOptions(ssl);
  }

  /** {@code source} (JDBC: the schema migrations) with these settings. */
  public PGSimpleDataSource applyTo(PGSimpleDataSource source) {
    source.setSslMode(mode.value);
    if (mode == SslMode.VERIFY_CA || mode == SslMode.VERIFY_FULL) {
      if (caFile.isPresent()) {
        source.setSslRootCert(caFile.get().toString());
      } else {
        source.setSslfactory("org.postgresql.ssl.DefaultJavaSSLFactory");
      }
    } else if (mode != SslMode.DISABLE) {
      source.setSslfactory("org.postgresql.ssl.NonValidatingFactory");
    }
    return source;
  }

  private TrustOptions trust(Vertx vertx) {
    if (caFile.isPresent()) {
      return new PemTrustOptions().addCertValue(PemFiles.certificates(vertx, caFile.get(), CA_FILE_KEY));
    }
    try {
      TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      jdk.init((KeyStore) null);
      return TrustOptions.wrap(jdk);
    } catch (NoSuchAlgorithmException | KeyStoreException e) {
      throw new IllegalStateException("the JDK trust store is unavailable", e);
    }
  }
}
