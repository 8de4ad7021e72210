package dev.gatehouse.secrets.format;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Outcome of rotating one sealed document.
 *
 * @param status   what happened
 * @param document the rewrapped document ({@link Status#ROTATED}), the unchanged one
 *                 ({@link Status#CURRENT}), or {@code null} ({@link Status#FAILED})
 */
public record RotationResult(Status status, ObjectNode document) {

    /** Rotation status of one document. */
    public enum Status {
        /** The data key now wraps under a newer master key version. */
        ROTATED,
        /** The data key already wrapped under the newest version. */
        CURRENT,
        /** The header was malformed, from another provider or key, or the provider refused it. */
        FAILED
    }
}
