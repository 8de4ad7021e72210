package dev.gatehouse.secrets.provider.vault;

import dev.gatehouse.secrets.SecretsConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the one {@link HttpClient} all Vault calls share: HTTP/1.1 (as the driver and Vault Agent
 * expect), explicit connect timeout, no redirects (a token must never follow a redirect), and TLS
 * that always verifies: either the JDK trust store or the configured CA bundle. Because the driver
 * is handed this client, its own environment-driven TLS switches ({@code VAULT_SSL_VERIFY}) are
 * never consulted.
 */
final class VaultTls {

    private VaultTls() {
    }

    static HttpClient httpClient(VaultTransitConfig config) throws SecretsConfigException {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(sslContext(config.caCertificate()))
                .build();
    }

    private static SSLContext sslContext(Path caBundle) throws SecretsConfigException {
        try {
            if (caBundle == null) {
                return SSLContext.getDefault();
            }
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            Collection<? extends Certificate> certificates;
            try (InputStream in = Files.newInputStream(caBundle)) {
                certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certificates.isEmpty()) {
                throw new SecretsConfigException("Vault CA bundle holds no certificate: " + caBundle);
            }
            int index = 0;
            for (Certificate certificate : certificates) {
                trusted.setCertificateEntry("vault-ca-" + index++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new SecretsConfigException("cannot load Vault CA bundle: " + caBundle);
        }
    }
}
