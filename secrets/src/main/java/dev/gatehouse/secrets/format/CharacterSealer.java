package dev.gatehouse.secrets.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.secrets.DecryptionFailedException;
import dev.gatehouse.secrets.InvalidDocumentException;
import dev.gatehouse.secrets.KeyProviderException;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.SecretsException;
import dev.gatehouse.secrets.crypto.AesGcm;
import dev.gatehouse.secrets.crypto.DataKeySchedule;
import dev.gatehouse.secrets.crypto.HmacSha256;
import dev.gatehouse.secrets.provider.KeyContext;
import dev.gatehouse.secrets.provider.KeyProvider;
import dev.gatehouse.secrets.provider.KeyProvider.UnwrapRequest;
import dev.gatehouse.secrets.provider.KeyProvider.WrapRequest;
import dev.gatehouse.secrets.provider.WrappedKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * Seals, opens, checks, rekeys and rotates character documents in the {@code ghs:v1} format.
 *
 * <h3>Security guarantees</h3>
 * <ul>
 *   <li>Every leaf under {@code /settings/secrets} and {@code /secrets} is encrypted, whatever it
 *       looks like (a value shaped like a ciphertext, an empty string, a number); everything else is
 *       copied unchanged.</li>
 *   <li>A sealed value opens only at its own JSON Pointer, in its own character, under its own data
 *       key: moving, swapping, deleting, adding or rolling back a value fails the MAC or the AEAD.</li>
 *   <li>The data key is checked against the header's commitment, in constant time, before any value
 *       is decrypted.</li>
 *   <li>Every open/check failure is the same {@link DecryptionFailedException}; no code path
 *       returns a ciphertext in place of a value. Documents from another provider or key are
 *       refused, which is how the production profile refuses {@code local} documents.</li>
 *   <li>Sealing costs one provider call and opening one, whatever the number of values.</li>
 * </ul>
 * Instances are thread safe; all methods block on the provider.
 */
public final class CharacterSealer {

    private final KeyProvider provider;

    public CharacterSealer(KeyProvider provider) {
        this.provider = provider;
    }

    /**
     * Returns a sealed copy of {@code character} (the input is not modified).
     *
     * @throws InvalidDocumentException if it has no usable {@code id}, is already sealed, or a secrets
     *                                  section is not an object
     * @throws KeyProviderException     if the data key could not be wrapped
     */
    public ObjectNode seal(ObjectNode character) throws InvalidDocumentException, KeyProviderException {
        if (character.has(SealHeader.FIELD)) {
            throw new InvalidDocumentException("document is already sealed (use rekey to re-encrypt it)");
        }
        String characterId = SealedCharacterFormat.characterId(character);
        if (characterId == null) {
            throw new InvalidDocumentException("/id must be a non-empty string of at most "
                    + SealedCharacterFormat.MAX_CHARACTER_ID_CHARS + " characters without control characters");
        }
        ObjectNode sealed = character.deepCopy();
        byte[] dataKeyId = AesGcm.randomBytes(DataKeySchedule.DATA_KEY_ID_BYTES);
        try (SecretValue dataKey = SecretValue.adopt(AesGcm.randomBytes(AesGcm.KEY_BYTES));
             DataKeySchedule keys = DataKeySchedule.derive(SealedCharacterFormat.KEY_LABEL, dataKey, dataKeyId)) {
            SortedMap<String, String> pairs = SealedCharacterFormat.newPairs();
            SecretSections.transform(sealed, (pointer, leaf) -> {
                byte[] plaintext = LeafEncoding.encode(leaf);
                try {
                    String value = SealedCharacterFormat.sealValue(keys.valueKey(), plaintext,
                            SealedCharacterFormat.valueAad(characterId, pointer, dataKeyId));
                    pairs.put(pointer, value);
                    return sealed.textNode(value);
                } finally {
                    Arrays.fill(plaintext, (byte) 0);
                }
            });
            WrappedKey wrapped = provider.wrap(List.of(new WrapRequest(KeyContext.forCharacter(characterId), dataKey))).get(0);
            byte[] commitment = keys.commitment();
            byte[] mac = HmacSha256.compute(keys.macKey(), SealedCharacterFormat.macInput(
                    characterId, provider.id(), wrapped.keyName(), dataKeyId, commitment, pairs));
            new SealHeader(provider.id(), wrapped, dataKeyId, commitment, mac).writeTo(sealed);
            return sealed;
        } catch (InvalidDocumentException | KeyProviderException e) {
            throw e;
        } catch (SecretsException e) {
            throw new IllegalStateException("sealing raised an unexpected failure type", e);
        }
    }

    /**
     * Returns the plaintext character: every sealed value decrypted, the header removed.
     *
     * @throws DecryptionFailedException for any integrity, format, provider or key mismatch failure
     * @throws KeyProviderException      if the provider could not be reached
     */
    public ObjectNode open(ObjectNode sealed) throws DecryptionFailedException, KeyProviderException {
        return decrypt(sealed).document;
    }

    /**
     * Verifies the commitment, the MAC and every value's tag without returning any value.
     *
     * @throws DecryptionFailedException if anything does not verify
     * @throws KeyProviderException      if the provider could not be reached
     */
    public CheckReport check(ObjectNode sealed) throws DecryptionFailedException, KeyProviderException {
        Decrypted decrypted = decrypt(sealed);
        WrappedKey key = decrypted.header.wrappedKey();
        return new CheckReport(decrypted.characterId, decrypted.header.provider(), key.keyName(), key.keyVersion(),
                decrypted.count);
    }

    /**
     * Opens and reseals under a brand-new data key and data key id: the answer to a leaked data key
     * or a leaked secret that is being replaced. Costs two provider calls.
     */
    public ObjectNode rekey(ObjectNode sealed) throws SecretsException {
        return seal(open(sealed));
    }

    /**
     * Rewraps the data key of each document under the newest master key version, in provider
     * batches of at most {@link KeyProvider#MAX_BATCH}. Values and MAC are untouched: the MAC does
     * not cover {@code wrapped_key}/{@code key_version}, which the provider authenticates and the
     * commitment ties to the content, so rotation needs only the provider's rewrap permission and
     * never sees a data key.
     *
     * @return one result per input document, in order
     * @throws KeyProviderException if the provider could not be reached
     */
    public List<RotationResult> rotate(List<ObjectNode> documents) throws KeyProviderException {
        List<RotationResult> results = new ArrayList<>(documents.size());
        for (int start = 0; start < documents.size(); start += KeyProvider.MAX_BATCH) {
            results.addAll(rotateBatch(documents.subList(start, Math.min(documents.size(), start + KeyProvider.MAX_BATCH))));
        }
        return results;
    }

    private List<RotationResult> rotateBatch(List<ObjectNode> documents) throws KeyProviderException {
        List<SealHeader> headers = new ArrayList<>();
        List<UnwrapRequest> requests = new ArrayList<>();
        for (ObjectNode document : documents) {
            SealHeader header = acceptedHeader(document);
            headers.add(header);
            if (header != null) {
                requests.add(new UnwrapRequest(KeyContext.forCharacter(SealedCharacterFormat.characterId(document)),
                        header.wrappedKey()));
            }
        }
        List<Optional<WrappedKey>> rewrapped = requests.isEmpty() ? List.of() : provider.rewrap(requests);
        List<RotationResult> results = new ArrayList<>(documents.size());
        int next = 0;
        for (int i = 0; i < documents.size(); i++) {
            SealHeader header = headers.get(i);
            if (header == null) {
                results.add(new RotationResult(RotationResult.Status.FAILED, null));
                continue;
            }
            Optional<WrappedKey> fresh = rewrapped.get(next++);
            if (fresh.isEmpty()) {
                results.add(new RotationResult(RotationResult.Status.FAILED, null));
            } else if (fresh.get().keyVersion() <= header.wrappedKey().keyVersion()) {
                results.add(new RotationResult(RotationResult.Status.CURRENT, documents.get(i)));
            } else {
                ObjectNode rotated = documents.get(i).deepCopy();
                header.withWrappedKey(fresh.get()).writeTo(rotated);
                results.add(new RotationResult(RotationResult.Status.ROTATED, rotated));
            }
        }
        return results;
    }

    private SealHeader acceptedHeader(ObjectNode document) {
        try {
            SealHeader header = SealHeader.parse(document);
            boolean ours = header.provider().equals(provider.id()) && header.wrappedKey().keyName().equals(provider.keyName());
            return ours && SealedCharacterFormat.characterId(document) != null ? header : null;
        } catch (DecryptionFailedException e) {
            return null;
        }
    }

    private Decrypted decrypt(ObjectNode sealed) throws DecryptionFailedException, KeyProviderException {
        SealHeader header = acceptedHeader(sealed);
        String characterId = SealedCharacterFormat.characterId(sealed);
        if (header == null) {
            throw new DecryptionFailedException();
        }
        ObjectNode document = sealed.deepCopy();
        document.remove(SealHeader.FIELD);
        SortedMap<String, String> pairs = SealedCharacterFormat.newPairs();
        transformOrFail(document, (pointer, leaf) -> {
            if (!leaf.isTextual() || !leaf.textValue().startsWith(SealedCharacterFormat.VALUE_PREFIX)) {
                throw new DecryptionFailedException();
            }
            pairs.put(pointer, leaf.textValue());
            return leaf;
        });
        List<SecretValue> unwrapped = provider.unwrap(
                List.of(new UnwrapRequest(KeyContext.forCharacter(characterId), header.wrappedKey())));
        try (SecretValue dataKey = unwrapped.get(0);
             DataKeySchedule keys = DataKeySchedule.derive(SealedCharacterFormat.KEY_LABEL, dataKey, header.dataKeyId())) {
            if (!keys.commitsTo(header.commitment())) {
                throw new DecryptionFailedException();
            }
            byte[] expectedMac = HmacSha256.compute(keys.macKey(), SealedCharacterFormat.macInput(characterId,
                    header.provider(), header.wrappedKey().keyName(), header.dataKeyId(), header.commitment(), pairs));
            if (!HmacSha256.constantTimeEquals(expectedMac, header.mac())) {
                throw new DecryptionFailedException();
            }
            transformOrFail(document, (pointer, leaf) -> {
                byte[] plaintext = SealedCharacterFormat.openValue(keys.valueKey(), leaf.textValue(),
                        SealedCharacterFormat.valueAad(characterId, pointer, header.dataKeyId()));
                try {
                    return LeafEncoding.decode(plaintext);
                } finally {
                    Arrays.fill(plaintext, (byte) 0);
                }
            });
        }
        return new Decrypted(header, characterId, document, pairs.size());
    }

    private static void transformOrFail(ObjectNode document, SecretSections.LeafVisitor visitor)
            throws DecryptionFailedException {
        try {
            SecretSections.transform(document, visitor);
        } catch (DecryptionFailedException e) {
            throw e;
        } catch (SecretsException e) {
            throw new DecryptionFailedException();
        }
    }

    private record Decrypted(SealHeader header, String characterId, ObjectNode document, int count) {
    }
}
