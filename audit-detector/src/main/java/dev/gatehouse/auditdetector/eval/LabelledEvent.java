package dev.gatehouse.auditdetector.eval;

import dev.gatehouse.auditdetector.chain.ChainedEvent;

/**
 * A generated event with its ground truth.
 *
 * @param event the event as a node's chain would hold it
 * @param attackId the injected attack it belongs to, or {@code null} for benign background
 */
public record LabelledEvent(ChainedEvent event, String attackId) {
}
