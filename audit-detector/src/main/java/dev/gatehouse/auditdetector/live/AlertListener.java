package dev.gatehouse.auditdetector.live;

import dev.gatehouse.auditdetector.alert.Raised;
import java.util.List;

/** Receives what the {@link LiveDetector} stored, on the detector's context: return quickly, never block. */
@FunctionalInterface
public interface AlertListener {

  /** Findings just stored: alerts opened or extended, and findings a suppression swallowed. */
  void raised(List<Raised> raised);
}
