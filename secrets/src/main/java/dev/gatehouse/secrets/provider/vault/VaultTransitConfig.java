package dev.gatehouse.secrets.provider.vault;

import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.SecretsConfigException;
import dev.gatehouse.secrets.provider.KeyProviderConfig;
import dev.gatehouse.secrets.provider.Profile;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Deployment configuration of the {@code vault-transit} provider.
 *
 * <p>Nothing here is ever taken from a document: address, mount, namespace and credentials come
 * from the deployment (CLI environment, gateway YAML). The provider never disables TLS
 * verification; under {@link Profile#PRODUCTION} a plain-HTTP address, {@code VAULT_SKIP_VERIFY},
 * {@code VAULT_SSL_VERIFY=false} or the JDK's hostname-verification switch refuse to start.
 *
 * @param address        Vault base URL, e.g. {@code https://vault.internal:8200}
 * @param mount          Transit mount path, {@value #DEFAULT_MOUNT} by default
 * @param keyName        Transit key; must be {@code aes256-gcm96} with {@code derived=true}
 * @param namespace      {@code X-Vault-Namespace}, or {@code null}
 * @param auth           token or AppRole
 * @param caCertificate  PEM bundle of CAs to trust instead of the JDK trust store, or {@code null}
 * @param connectTimeout TCP/TLS connect timeout
 * @param requestTimeout whole-request timeout (rounded up to seconds by the driver)
 * @param retryPolicy    retry rules
 */
public record VaultTransitConfig(URI address, String mount, String keyName, String namespace, VaultAuth auth,
        Path caCertificate, Duration connectTimeout, Duration requestTimeout, RetryPolicy retryPolicy)
        implements KeyProviderConfig {

    /** Default Transit mount path. */
    public static final String DEFAULT_MOUNT = "transit";
    /** Default AppRole auth mount path. */
    public static final String DEFAULT_APPROLE_MOUNT = "approle";
    /** Default connect timeout: 5 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default request timeout: 10 s. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** JDK switch that turns off hostname verification in {@code java.net.http}; refused in production. */
    public static final String JDK_HOSTNAME_VERIFICATION_SWITCH = "jdk.internal.httpclient.disableHostnameVerification";

    private static final Pattern PATH = Pattern.compile("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$");

    public VaultTransitConfig {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(mount, "mount");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
    }

    /**
     * Reads address, namespace, credentials and CA bundle from the environment:
     * {@code VAULT_ADDR} (required), {@code VAULT_NAMESPACE}, {@code VAULT_CACERT}, and either
     * {@code VAULT_ROLE_ID} + {@code VAULT_SECRET_ID} (+ {@code VAULT_APPROLE_MOUNT}) or
     * {@code VAULT_TOKEN}. Default timeouts and retry policy apply.
     *
     * @throws SecretsConfigException if the address or credentials are missing or malformed
     */
    public static VaultTransitConfig fromEnvironment(Map<String, String> env, String mount, String keyName)
            throws SecretsConfigException {
        String address = env.get("VAULT_ADDR");
        if (blank(address)) {
            throw new SecretsConfigException("VAULT_ADDR is not set");
        }
        URI uri;
        try {
            uri = new URI(address.strip());
        } catch (URISyntaxException e) {
            throw new SecretsConfigException("VAULT_ADDR is not a URL");
        }
        VaultAuth auth;
        if (!blank(env.get("VAULT_ROLE_ID")) || !blank(env.get("VAULT_SECRET_ID"))) {
            if (blank(env.get("VAULT_ROLE_ID")) || blank(env.get("VAULT_SECRET_ID"))) {
                throw new SecretsConfigException("AppRole needs both VAULT_ROLE_ID and VAULT_SECRET_ID");
            }
            String approleMount = blank(env.get("VAULT_APPROLE_MOUNT")) ? DEFAULT_APPROLE_MOUNT : env.get("VAULT_APPROLE_MOUNT");
            auth = new VaultAuth.AppRole(approleMount, env.get("VAULT_ROLE_ID"), SecretValue.ofUtf8(env.get("VAULT_SECRET_ID")));
        } else if (!blank(env.get("VAULT_TOKEN"))) {
            auth = new VaultAuth.Token(SecretValue.ofUtf8(env.get("VAULT_TOKEN").strip()));
        } else {
            throw new SecretsConfigException("no Vault credentials: set VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID");
        }
        String namespace = blank(env.get("VAULT_NAMESPACE")) ? null : env.get("VAULT_NAMESPACE");
        Path caCertificate = blank(env.get("VAULT_CACERT")) ? null : Path.of(env.get("VAULT_CACERT"));
        return new VaultTransitConfig(uri, mount, keyName, namespace, auth, caCertificate,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, RetryPolicy.DEFAULT);
    }

    @Override
    public String providerId() {
        return VaultTransitKeyProvider.ID;
    }

    @Override
    public void validate(Profile profile, Map<String, String> environment) throws SecretsConfigException {
        KeyProviderConfig.requireKeyName(keyName);
        if (!PATH.matcher(mount).matches()) {
            throw new SecretsConfigException("invalid Transit mount path");
        }
        if (namespace != null && !PATH.matcher(namespace).matches()) {
            throw new SecretsConfigException("invalid Vault namespace");
        }
        if (auth instanceof VaultAuth.AppRole appRole && !PATH.matcher(appRole.mount()).matches()) {
            throw new SecretsConfigException("invalid AppRole mount path");
        }
        String scheme = address.getScheme() == null ? "" : address.getScheme().toLowerCase(Locale.ROOT);
        boolean plainPath = address.getRawPath() == null || address.getRawPath().isEmpty() || address.getRawPath().equals("/");
        if (!(scheme.equals("https") || scheme.equals("http")) || address.getHost() == null || address.getRawUserInfo() != null
                || address.getRawQuery() != null || address.getRawFragment() != null || !plainPath) {
            throw new SecretsConfigException("Vault address must be http(s)://host[:port] with no path, query or credentials");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new SecretsConfigException("Vault timeouts must be positive");
        }
        if (profile == Profile.PRODUCTION) {
            requireVerifiedTls(scheme, environment);
        }
    }

    /** Address without a trailing slash, as the driver expects. */
    String baseUrl() {
        String text = address.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    private static void requireVerifiedTls(String scheme, Map<String, String> environment) throws SecretsConfigException {
        if (!scheme.equals("https")) {
            throw new SecretsConfigException("the production profile requires an https:// Vault address");
        }
        String skipVerify = environment.get("VAULT_SKIP_VERIFY");
        String sslVerify = environment.get("VAULT_SSL_VERIFY");
        if ((!blank(skipVerify) && !isFalse(skipVerify)) || (!blank(sslVerify) && isFalse(sslVerify))) {
            throw new SecretsConfigException(
                    "TLS verification cannot be disabled in production: unset VAULT_SKIP_VERIFY / VAULT_SSL_VERIFY");
        }
        if (System.getProperty(JDK_HOSTNAME_VERIFICATION_SWITCH) != null) {
            throw new SecretsConfigException("TLS hostname verification cannot be disabled in production: remove -D"
                    + JDK_HOSTNAME_VERIFICATION_SWITCH);
        }
    }

    private static boolean isFalse(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        return v.equals("false") || v.equals("0") || v.equals("no") || v.equals("off");
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
