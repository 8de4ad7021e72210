package dev.gatehouse.gateway.console;

import dev.gatehouse.auditdetector.alert.AlertStore;
import dev.gatehouse.auditdetector.checkpoint.CheckpointStore;
import dev.gatehouse.auditdetector.query.AuditQuery;
import dev.gatehouse.auditdetector.verify.ChainVerifier;
import dev.gatehouse.gateway.rules.LiveRules;
import dev.gatehouse.gateway.rules.RuleSettingsStore;
import java.time.Clock;

/**
 * What the console's pages read and change: the same stores the admin API uses, so a page and
 * its API route see the same data under the same workspace restriction.
 */
public record ConsoleSources(AlertStore alerts, AuditQuery audit, ChainVerifier chain, CheckpointStore checkpoints,
    LiveRules rules, RuleSettingsStore ruleSettings, Clock clock) {}
