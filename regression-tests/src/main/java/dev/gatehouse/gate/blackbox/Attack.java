package dev.gatehouse.gate.blackbox;

/** One refused request: a name for messages, the Authorization value (or null) and a query (or ""). */
record Attack(String name, String authorization, String query) {

  static Attack bearer(String name, String token) {
    return new Attack(name, "Bearer " + token, "");
  }
}
