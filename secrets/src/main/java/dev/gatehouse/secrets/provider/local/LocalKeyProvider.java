package dev.gatehouse.secrets.provider.local;

import dev.gatehouse.secrets.DecryptionFailedException;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.SecretsConfigException;
import dev.gatehouse.secrets.crypto.AesGcm;
import dev.gatehouse.secrets.crypto.Hkdf;
import dev.gatehouse.secrets.crypto.LengthPrefixed;
import dev.gatehouse.secrets.provider.KeyContext;
import dev.gatehouse.secrets.provider.KeyProvider;
import dev.gatehouse.secrets.provider.WrappedKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Development key provider over a {@link Keyring} file.
 *
 * <p>Wrapping key for a context: {@code HKDF-SHA256(ikm = master key version N, salt = "gatehouse-local-keyring/v1",
 * info = LP("gatehouse local wrapping key v1") || LP(key name) || LP(N) || LP(context))}, where LP is
 * {@link LengthPrefixed}. The data key is sealed with AES-256-GCM under that key with AAD
 * {@code LP("gatehouse local wrapped key v1") || LP(key name) || LP(N) || LP(context)} and written as
 * {@code local:v<N>:<base64url(nonce || ciphertext || tag)>}. A wrapped key therefore opens only under
 * the same key name, version and context.
 *
 * <p>The keyring is read once when the provider opens; {@code gatehouse secrets keyring rotate}
 * adds a version that providers opened afterwards wrap with.
 */
public final class LocalKeyProvider implements KeyProvider {

    /** Provider id written into sealed headers. */
    public static final String ID = "local";

    private static final byte[] HKDF_SALT = "gatehouse-local-keyring/v1".getBytes(StandardCharsets.UTF_8);
    private static final String PREFIX = "local:v";

    private final Keyring keyring;
    private final String keyName;

    private LocalKeyProvider(Keyring keyring, String keyName) {
        this.keyring = keyring;
        this.keyName = keyName;
    }

    /**
     * Loads the keyring file.
     *
     * @throws SecretsConfigException if the file is missing, unsafe, malformed or lacks the key
     */
    public static LocalKeyProvider open(LocalKeyringConfig config) throws SecretsConfigException {
        Keyring keyring = Keyring.load(config.keyringFile());
        if (keyring.latest(config.keyName()) == null) {
            keyring.close();
            throw new SecretsConfigException("keyring has no key named " + config.keyName());
        }
        return new LocalKeyProvider(keyring, config.keyName());
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String keyName() {
        return keyName;
    }

    @Override
    public List<WrappedKey> wrap(List<WrapRequest> requests) {
        List<WrappedKey> out = new ArrayList<>(requests.size());
        for (WrapRequest request : requests) {
            out.add(wrapOne(request.context(), request.dataKey()));
        }
        return out;
    }

    @Override
    public List<SecretValue> unwrap(List<UnwrapRequest> requests) throws DecryptionFailedException {
        List<SecretValue> out = new ArrayList<>(requests.size());
        try {
            for (UnwrapRequest request : requests) {
                out.add(unwrapOne(request.context(), request.wrappedKey()));
            }
            return out;
        } catch (DecryptionFailedException e) {
            out.forEach(SecretValue::close);
            throw e;
        }
    }

    @Override
    public List<Optional<WrappedKey>> rewrap(List<UnwrapRequest> requests) {
        List<Optional<WrappedKey>> out = new ArrayList<>(requests.size());
        for (UnwrapRequest request : requests) {
            try (SecretValue dataKey = unwrapOne(request.context(), request.wrappedKey())) {
                out.add(Optional.of(wrapOne(request.context(), dataKey)));
            } catch (DecryptionFailedException e) {
                out.add(Optional.empty());
            }
        }
        return out;
    }

    @Override
    public void close() {
        keyring.close();
    }

    private WrappedKey wrapOne(KeyContext context, SecretValue dataKey) {
        Keyring.MasterKey master = keyring.latest(keyName);
        byte[] wrappingKey = wrappingKey(master, context);
        byte[] plaintext = dataKey.copyBytes();
        try {
            byte[] sealed = AesGcm.seal(wrappingKey, plaintext, aad(master.version(), context));
            String ciphertext = PREFIX + master.version() + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(sealed);
            return new WrappedKey(ID, keyName, master.version(), ciphertext);
        } finally {
            Arrays.fill(wrappingKey, (byte) 0);
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private SecretValue unwrapOne(KeyContext context, WrappedKey wrapped) throws DecryptionFailedException {
        if (!ID.equals(wrapped.provider()) || !keyName.equals(wrapped.keyName())
                || !wrapped.ciphertext().startsWith(PREFIX + wrapped.keyVersion() + ":")) {
            throw new DecryptionFailedException();
        }
        Keyring.MasterKey master = keyring.version(keyName, wrapped.keyVersion());
        if (master == null) {
            throw new DecryptionFailedException();
        }
        byte[] sealed;
        try {
            sealed = Base64.getUrlDecoder().decode(wrapped.ciphertext().substring((PREFIX + wrapped.keyVersion() + ":").length()));
        } catch (IllegalArgumentException e) {
            throw new DecryptionFailedException();
        }
        byte[] wrappingKey = wrappingKey(master, context);
        try {
            return SecretValue.adopt(AesGcm.open(wrappingKey, sealed, aad(master.version(), context)));
        } finally {
            Arrays.fill(wrappingKey, (byte) 0);
        }
    }

    private byte[] wrappingKey(Keyring.MasterKey master, KeyContext context) {
        byte[] ikm = master.material().copyBytes();
        try {
            byte[] info = LengthPrefixed.domain("gatehouse local wrapping key v1")
                    .add(keyName).add(Integer.toString(master.version())).add(context.bytes()).toBytes();
            return Hkdf.derive(ikm, HKDF_SALT, info, AesGcm.KEY_BYTES);
        } finally {
            Arrays.fill(ikm, (byte) 0);
        }
    }

    private byte[] aad(int version, KeyContext context) {
        return LengthPrefixed.domain("gatehouse local wrapped key v1")
                .add(keyName).add(Integer.toString(version)).add(context.bytes()).toBytes();
    }
}
