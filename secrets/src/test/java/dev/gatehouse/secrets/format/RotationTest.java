package dev.gatehouse.secrets.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.secrets.provider.local.Keyring;
import dev.gatehouse.secrets.provider.local.LocalKeyProvider;
import dev.gatehouse.secrets.provider.local.LocalKeyringConfig;
import dev.gatehouse.secrets.testsupport.Characters;
import dev.gatehouse.secrets.testsupport.TestKeyrings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotationTest {

    @TempDir
    Path directory;

    @Test
    void rotationRewrapsToTheNewestVersionWithoutTouchingValues() throws Exception {
        LocalKeyringConfig config = TestKeyrings.create(directory);
        List<ObjectNode> sealed = new ArrayList<>();
        try (LocalKeyProvider v1 = TestKeyrings.open(config)) {
            for (int i = 0; i < 3; i++) {
                sealed.add(new CharacterSealer(v1).seal(Characters.sample("c-" + i)));
            }
        }
        Keyring.addVersion(config.keyringFile(), config.keyName(), Clock.systemUTC());
        try (LocalKeyProvider v2 = TestKeyrings.open(config)) {
            CharacterSealer sealer = new CharacterSealer(v2);
            List<RotationResult> results = sealer.rotate(sealed);
            for (int i = 0; i < 3; i++) {
                RotationResult result = results.get(i);
                assertEquals(RotationResult.Status.ROTATED, result.status());
                assertEquals(2, result.document().at("/gatehouse_seal/key_version").intValue());
                assertEquals(CharacterSealerTest.secretLeaves(sealed.get(i)), CharacterSealerTest.secretLeaves(result.document()));
                assertEquals(sealed.get(i).at("/gatehouse_seal/mac"), result.document().at("/gatehouse_seal/mac"));
                assertEquals(Characters.sample("c-" + i), sealer.open(result.document()));
            }
            List<RotationResult> again = sealer.rotate(List.of(results.get(0).document()));
            assertEquals(RotationResult.Status.CURRENT, again.get(0).status());
        }
    }

    @Test
    void documentsThatCannotBeRotatedAreReportedOneByOne() throws Exception {
        LocalKeyringConfig config = TestKeyrings.create(directory);
        try (LocalKeyProvider provider = TestKeyrings.open(config)) {
            CharacterSealer sealer = new CharacterSealer(provider);
            ObjectNode good = sealer.seal(Characters.sample("good"));
            ObjectNode movedToAnotherCharacter = sealer.seal(Characters.sample("a")).put("id", "b");
            ObjectNode plaintext = Characters.sample("plain");
            List<RotationResult> results = sealer.rotate(List.of(good, movedToAnotherCharacter, plaintext));
            assertEquals(RotationResult.Status.CURRENT, results.get(0).status());
            assertEquals(RotationResult.Status.FAILED, results.get(1).status());
            assertEquals(RotationResult.Status.FAILED, results.get(2).status());
            assertNull(results.get(2).document());
        }
    }
}
