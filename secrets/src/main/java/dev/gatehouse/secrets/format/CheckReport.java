package dev.gatehouse.secrets.format;

/**
 * What {@link CharacterSealer#check} verified, without any value.
 *
 * @param characterId  the character the document is bound to
 * @param provider     provider id in the header
 * @param keyName      master key name
 * @param keyVersion   master key version of the wrapped data key
 * @param sealedValues number of sealed leaves, all of which decrypted and matched the MAC
 */
public record CheckReport(String characterId, String provider, String keyName, int keyVersion, int sealedValues) {
}
