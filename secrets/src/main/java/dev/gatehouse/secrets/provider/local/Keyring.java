package dev.gatehouse.secrets.provider.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.SecretsConfigException;
import dev.gatehouse.secrets.crypto.AesGcm;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Development keyring: versioned 256-bit master keys in a JSON file that only its owner may read.
 *
 * <pre>{@code
 * {
 *   "format": "gatehouse-keyring/v1",
 *   "keys": {
 *     "gatehouse-characters": [
 *       {"version": 1, "created_at": "2025-01-01T00:00:00Z", "material": "<base64url, 32 bytes>"}
 *     ]
 *   }
 * }
 * }</pre>
 *
 * <p>Loading refuses a file whose POSIX permissions grant anything to group or others. Writes go
 * to a 0600 temporary file that is moved over the original. {@link #close()} zeroes every master
 * key held in memory.
 */
public final class Keyring implements AutoCloseable {

    /** Value of the {@code format} field. */
    public static final String FORMAT = "gatehouse-keyring/v1";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final Map<String, List<MasterKey>> keys;

    private Keyring(Map<String, List<MasterKey>> keys) {
        this.keys = keys;
    }

    /** One version of a master key. */
    public record MasterKey(int version, Instant createdAt, SecretValue material) {
    }

    /**
     * Reads a keyring file.
     *
     * @throws SecretsConfigException if the file is missing, unreadable, malformed or readable by others
     */
    public static Keyring load(Path file) throws SecretsConfigException {
        requireOwnerOnly(file);
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new SecretsConfigException("keyring file not found: " + file
                    + " (create it with: gatehouse secrets keyring init)");
        } catch (IOException e) {
            throw new SecretsConfigException("keyring file is unreadable or not JSON: " + file);
        }
        return parse(root, file);
    }

    /**
     * Creates a new keyring file (0600) holding version 1 of {@code keyName}.
     *
     * @throws SecretsConfigException if the file already exists or cannot be written
     */
    public static void create(Path file, String keyName, Clock clock) throws SecretsConfigException {
        Map<String, List<MasterKey>> keys = new LinkedHashMap<>();
        keys.put(keyName, List.of(newMasterKey(1, clock)));
        try (Keyring keyring = new Keyring(keys)) {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.write(createOwnerOnly(file), keyring.toJson());
        } catch (FileAlreadyExistsException e) {
            throw new SecretsConfigException("keyring file already exists: " + file);
        } catch (IOException e) {
            throw new SecretsConfigException("cannot write keyring file: " + file);
        }
    }

    /**
     * Adds a new newest version of {@code keyName} (creating the key if absent) and rewrites the file.
     *
     * @return the new version number
     */
    public static int addVersion(Path file, String keyName, Clock clock) throws SecretsConfigException {
        try (Keyring current = load(file)) {
            Map<String, List<MasterKey>> keys = new LinkedHashMap<>(current.keys);
            List<MasterKey> versions = new ArrayList<>(keys.getOrDefault(keyName, List.of()));
            int next = versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
            versions.add(newMasterKey(next, clock));
            keys.put(keyName, versions);
            Keyring updated = new Keyring(keys);
            replace(file, updated.toJson());
            versions.get(versions.size() - 1).material().close();
            return next;
        }
    }

    /** Newest version of {@code keyName}, or {@code null} when the keyring has no such key. */
    public MasterKey latest(String keyName) {
        List<MasterKey> versions = keys.get(keyName);
        return versions == null ? null : versions.get(versions.size() - 1);
    }

    /** The given version of {@code keyName}, or {@code null}. */
    public MasterKey version(String keyName, int version) {
        for (MasterKey key : keys.getOrDefault(keyName, List.of())) {
            if (key.version() == version) {
                return key;
            }
        }
        return null;
    }

    @Override
    public void close() {
        keys.values().forEach(versions -> versions.forEach(key -> key.material().close()));
    }

    private static MasterKey newMasterKey(int version, Clock clock) {
        return new MasterKey(version, clock.instant(), SecretValue.adopt(AesGcm.randomBytes(AesGcm.KEY_BYTES)));
    }

    private static Keyring parse(JsonNode root, Path file) throws SecretsConfigException {
        SecretsConfigException malformed = new SecretsConfigException("keyring file is malformed: " + file);
        if (!root.isObject() || !FORMAT.equals(root.path("format").asText()) || !root.path("keys").isObject()) {
            throw malformed;
        }
        Map<String, List<MasterKey>> keys = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : root.get("keys").properties()) {
            List<MasterKey> versions = new ArrayList<>();
            int previous = 0;
            for (JsonNode version : entry.getValue()) {
                int number = version.path("version").asInt(0);
                byte[] material = decode(version.path("material").asText(""));
                if (number <= previous || material.length != AesGcm.KEY_BYTES) {
                    throw malformed;
                }
                previous = number;
                Instant created = Instant.parse(version.path("created_at").asText("1970-01-01T00:00:00Z"));
                versions.add(new MasterKey(number, created, SecretValue.adopt(material)));
            }
            if (versions.isEmpty()) {
                throw malformed;
            }
            keys.put(entry.getKey(), Collections.unmodifiableList(versions));
        }
        return new Keyring(keys);
    }

    private static byte[] decode(String base64url) {
        try {
            return Base64.getUrlDecoder().decode(base64url);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        ObjectNode keyNodes = root.putObject("keys");
        for (Map.Entry<String, List<MasterKey>> entry : keys.entrySet()) {
            ArrayNode versions = keyNodes.putArray(entry.getKey());
            for (MasterKey key : entry.getValue()) {
                byte[] material = key.material().copyBytes();
                versions.addObject()
                        .put("version", key.version())
                        .put("created_at", key.createdAt().toString())
                        .put("material", Base64.getUrlEncoder().withoutPadding().encodeToString(material));
                Arrays.fill(material, (byte) 0);
            }
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("keyring JSON could not be serialized", e);
        }
    }

    private static void requireOwnerOnly(Path file) throws SecretsConfigException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null || !Files.exists(file)) {
            return;
        }
        try {
            Set<PosixFilePermission> permissions = view.readAttributes().permissions();
            permissions.retainAll(GROUP_OR_OTHERS);
            if (!permissions.isEmpty()) {
                throw new SecretsConfigException("keyring file must be readable by its owner only (chmod 600): " + file);
            }
        } catch (IOException e) {
            throw new SecretsConfigException("cannot read keyring file permissions: " + file);
        }
    }

    private static Path createOwnerOnly(Path file) throws IOException {
        if (Files.getFileStore(file.toAbsolutePath().getParent()).supportsFileAttributeView(PosixFileAttributeView.class)) {
            FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
            return Files.createFile(file, ownerOnly);
        }
        return Files.createFile(file);
    }

    private static void replace(Path file, byte[] content) throws SecretsConfigException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(temporary);
            Files.write(createOwnerOnly(temporary), content);
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new SecretsConfigException("cannot rewrite keyring file: " + file);
        }
    }
}
