package dev.gatehouse.gate.blackbox;

import java.net.http.HttpHeaders;
import java.time.Duration;

/** A response as the suite saw it, with how long it took. */
record Reply(int status, HttpHeaders headers, String body, Duration took) {

  boolean ok() {
    return status / 100 == 2;
  }
}
