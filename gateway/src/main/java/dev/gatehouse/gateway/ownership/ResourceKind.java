package dev.gatehouse.gateway.ownership;

import java.util.Arrays;
import java.util.Optional;

/**
 * The kinds of runtime resources a workspace can own. The {@link #key() key} is the name used in
 * policy files, the {@code resources.kind} column and audit events. Ids are compared exactly.
 */
public enum ResourceKind {
  AGENT("agent"),
  CHANNEL("channel"),
  MESSAGE_SERVER("message-server"),
  MESSAGE("message"),
  SESSION("session"),
  JOB("job"),
  ROOM("room"),
  WORLD("world"),
  MEMORY("memory"),
  LOG("log"),
  RUN("run"),
  MEDIA("media"),
  /** A user of the runtime: the entity id the gateway derives for a subject of a workspace. */
  ENTITY("entity");

  private final String key;

  ResourceKind(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }

  public static Optional<ResourceKind> fromKey(String key) {
    return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
  }

  @Override
  public String toString() {
    return key;
  }
}
