package dev.gatehouse.gateway.accesslog;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids: 128 random bits in hex, minted by the gateway for every request. A client-sent
 * {@value #HEADER} is replaced, never trusted, so ids in logs and audit cannot be forged or
 * used to inject text. The id is sent upstream and returned to the client in the same header.
 */
public final class RequestId {

  public static final String HEADER = "X-Request-Id";

  private static final HexFormat HEX = HexFormat.of();

  private RequestId() {}

  public static String next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return HEX.toHexDigits(random.nextLong()) + HEX.toHexDigits(random.nextLong());
  }
}
