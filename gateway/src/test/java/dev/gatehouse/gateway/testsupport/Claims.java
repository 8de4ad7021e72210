package dev.gatehouse.gateway.testsupport;

import dev.gatehouse.gateway.ownership.ResourceKind;
import dev.gatehouse.gateway.server.Gateway;

/** Records resource ownership in a gateway's registry, as the isolation stage does for created resources. */
public final class Claims {

  private Claims() {}

  /** Claims {@code id} for {@code workspace}; fails the test if another workspace owns it. */
  public static void claim(Gateway gateway, String workspace, ResourceKind kind, String id) throws Exception {
    if (!Await.result(gateway.ownership().claim(workspace, kind, id))) {
      throw new AssertionError(kind + " " + id + " is owned by another workspace");
    }
  }
}
