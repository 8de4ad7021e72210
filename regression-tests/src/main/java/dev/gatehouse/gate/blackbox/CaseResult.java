package dev.gatehouse.gate.blackbox;

import dev.gatehouse.gate.results.Outcome;

/** What one case found: PASSED, FAILED (the target is weakened) or SKIPPED (could not run here). */
public record CaseResult(Case testCase, Outcome outcome, String message, double seconds) {}
