package dev.gatehouse.gateway.isolation;

import java.util.regex.Pattern;

/** The canonical UUID text form the runtime validates ids against. */
final class Uuids {

  private static final Pattern UUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private Uuids() {}

  static boolean valid(String text) {
    return text != null && UUID.matcher(text).matches();
  }
}
