package dev.gatehouse.gateway.bench;

/** The runtime stand-in every case proxies to: a loopback server answering a small JSON body. */
interface Upstream extends AutoCloseable {

  int port();

  default String url() {
    return "http://127.0.0.1:" + port();
  }

  /** One line saying what serves, for the report. */
  String description();
}
