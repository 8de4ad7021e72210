package dev.gatehouse.gateway.store;

import io.vertx.pgclient.PgConnectOptions;

/** Where PostgreSQL is and how to log in. {@link #toString()} never shows the password. */
record ConnectionInfo(String host, int port, String database, String user, String password) {

  String jdbcUrl() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return "jdbc:postgresql://" + h + ":" + port + "/" + database;
  }

  PgConnectOptions pgConnectOptions() {
    PgConnectOptions options = new PgConnectOptions()
        .setHost(host)
        .setPort(port)
        .setDatabase(database)
        .setUser(user)
        .setCachePreparedStatements(true);
    if (password != null) {
      options.setPassword(password);
    }
    return options;
  }

  @Override
  public String toString() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }
}
