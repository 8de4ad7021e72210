package dev.gatehouse.auditdetector.alert;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/** One page of {@link AlertStore#list}: alerts newest first, and the cursor of the next page if any. */
public record AlertPage(List<JsonObject> alerts, Optional<String> nextCursor) {

  /** Copies the list. */
  public AlertPage {
    alerts = List.copyOf(alerts);
  }
}
