package dev.gatehouse.secrets.provider.vault;

import io.github.jopenlibs.vault.EnvironmentLoader;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.response.AuthResponse;
import io.github.jopenlibs.vault.response.LookupResponse;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the current Vault token and the driver instance bound to it.
 *
 * <p>Lazy: no network call until the first request. A token is looked up (token auth) or obtained
 * (AppRole) on first use, renewed once half its TTL has passed, and replaced by a fresh AppRole
 * login when renewal is impossible or Vault answers 403. A token that can no longer be renewed
 * fails closed. Each driver instance runs with the KV-v1 engine setting (driver bug #46 would
 * otherwise rewrite {@code transit/encrypt/k} to {@code transit/data/encrypt/k}), zero driver
 * retries (this module retries), and an environment loader that reads nothing.
 */
final class VaultSession {

    private static final Logger LOG = LoggerFactory.getLogger(VaultSession.class);

    /** Driver environment loader that ignores VAULT_* variables and ~/.vault-token. */
    private static final class NoEnvironment extends EnvironmentLoader {
        private static final long serialVersionUID = 1L;

        @Override
        public String loadVariable(String name) {
            return null;
        }
    }

    private final VaultTransitConfig config;
    private final HttpClient httpClient;
    private final Clock clock;

    private Vault vault;
    private Instant renewAt;
    private boolean renewable;

    VaultSession(VaultTransitConfig config, HttpClient httpClient, Clock clock) {
        this.config = config;
        this.httpClient = httpClient;
        this.clock = clock;
    }

    /** A driver instance holding a valid token, authenticating or renewing first when due. */
    synchronized Vault vault() throws VaultException {
        if (vault == null) {
            authenticate();
        } else if (renewAt != null && !clock.instant().isBefore(renewAt)) {
            renew();
        }
        return vault;
    }

    /** Whether a 403 can be answered by logging in again. */
    boolean canReauthenticate() {
        return config.auth() instanceof VaultAuth.AppRole;
    }

    /** Discards the current token and logs in again (AppRole). */
    synchronized void reauthenticate() throws VaultException {
        authenticate();
    }

    private void authenticate() throws VaultException {
        if (config.auth() instanceof VaultAuth.AppRole appRole) {
            Vault anonymous = driver(null);
            AuthResponse login = anonymous.auth().loginByAppRole(appRole.mount(), appRole.roleId(), appRole.secretId().revealUtf8());
            vault = driver(login.getAuthClientToken());
            schedule(login.getAuthLeaseDuration(), login.isAuthRenewable());
            LOG.info("Vault AppRole login succeeded; token TTL {} s", login.getAuthLeaseDuration());
        } else {
            Vault candidate = driver(((VaultAuth.Token) config.auth()).token().revealUtf8());
            LookupResponse self = candidate.auth().lookupSelf();
            vault = candidate;
            schedule(self.getTTL(), self.isRenewable());
        }
    }

    private void renew() throws VaultException {
        if (!renewable) {
            if (canReauthenticate()) {
                authenticate();
                return;
            }
            throw new VaultException("Vault token reached half its TTL and is not renewable", 403);
        }
        try {
            AuthResponse renewed = vault.auth().renewSelf();
            schedule(renewed.getAuthLeaseDuration(), renewed.isAuthRenewable());
            LOG.info("Vault token renewed; TTL {} s", renewed.getAuthLeaseDuration());
        } catch (VaultException e) {
            if (!canReauthenticate()) {
                throw e;
            }
            LOG.warn("Vault token renewal failed (HTTP {}); logging in again", e.getHttpStatusCode());
            authenticate();
        }
    }

    private void schedule(long ttlSeconds, boolean renewableToken) {
        renewable = renewableToken;
        renewAt = ttlSeconds <= 0 ? null : clock.instant().plus(Duration.ofSeconds(ttlSeconds).dividedBy(2));
    }

    private Vault driver(String token) throws VaultException {
        VaultConfig driverConfig = new VaultConfig()
                .environmentLoader(new NoEnvironment())
                .address(config.baseUrl())
                .openTimeout(seconds(config.connectTimeout()))
                .readTimeout(seconds(config.requestTimeout()))
                .httpClient(httpClient);
        if (token != null) {
            driverConfig.token(token);
        }
        if (config.namespace() != null) {
            driverConfig.nameSpace(config.namespace());
        }
        return Vault.create(driverConfig.build(), 1);
    }

    private static int seconds(Duration duration) {
        return (int) Math.max(1, (duration.toMillis() + 999) / 1000);
    }
}
