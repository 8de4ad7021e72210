package dev.gatehouse.secrets.provider.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.gatehouse.secrets.KeyProviderException;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.response.LogicalResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one Transit batch request with this module's retry policy.
 *
 * <p>Returns Vault's answer for 200 and 400 (the caller decides what a 400 means: for decrypt it
 * is a possible tampering signal, never a retry). Connection errors, 412, 429 and 5xx are retried
 * with backoff and jitter up to the policy's attempts; a 403 triggers one AppRole re-login; every
 * other status fails at once. Exception messages and logs carry the operation and status only:
 * the driver's own messages embed response bodies and are dropped.
 */
final class TransitClient {

    private static final Logger LOG = LoggerFactory.getLogger(TransitClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONNECTION_ERROR = 0;

    private final VaultSession session;
    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final RandomGenerator random;

    TransitClient(VaultSession session, RetryPolicy policy, Sleeper sleeper, RandomGenerator random) {
        this.session = session;
        this.policy = policy;
        this.sleeper = sleeper;
        this.random = random;
    }

    /** Vault's status (200 or 400) and parsed body. */
    record Reply(int status, JsonNode body) {
    }

    Reply post(String operation, String path, ArrayNode batchInput) throws KeyProviderException {
        Map<String, Object> body = Map.of("batch_input", Json.parse(batchInput.toString()));
        boolean reauthenticated = false;
        int attempt = 0;
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                throw interrupted(operation);
            }
            attempt++;
            int failure;
            try {
                LogicalResponse response = session.vault().logical().write(path, body);
                int status = response.getRestResponse().getStatus();
                if (status == 200 || status == 400) {
                    return new Reply(status, parse(operation, response.getRestResponse().getBody()));
                }
                if (status == 403 && !reauthenticated && session.canReauthenticate()) {
                    reauthenticated = true;
                    attempt--;
                    session.reauthenticate();
                    continue;
                }
                failure = status;
            } catch (VaultException e) {
                if (causedByInterrupt(e)) {
                    Thread.currentThread().interrupt();
                    throw interrupted(operation);
                }
                failure = e.getHttpStatusCode();
            }
            if (failure != CONNECTION_ERROR && !RetryPolicy.isRetryableStatus(failure)) {
                throw new KeyProviderException("vault-transit " + operation + " failed (" + describe(failure) + ")");
            }
            if (attempt >= policy.maxAttempts()) {
                throw new KeyProviderException("vault-transit " + operation + " failed after " + attempt
                        + " attempts (" + describe(failure) + ")");
            }
            Duration delay = policy.delayBeforeRetry(attempt, random);
            LOG.warn("Vault Transit {} failed ({}); retry {} of {} in {} ms", operation, describe(failure), attempt,
                    policy.maxAttempts() - 1, delay.toMillis());
            try {
                sleeper.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interrupted(operation);
            }
        }
    }

    private static JsonNode parse(String operation, byte[] body) throws KeyProviderException {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new IOException("not an object");
            }
            return node;
        } catch (IOException e) {
            throw new KeyProviderException("vault-transit " + operation + " returned a malformed response");
        }
    }

    private static boolean causedByInterrupt(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    private static KeyProviderException interrupted(String operation) {
        return new KeyProviderException("vault-transit " + operation + " interrupted");
    }

    private static String describe(int status) {
        return status == CONNECTION_ERROR ? "connection error" : "HTTP " + status;
    }
}
