package dev.gatehouse.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The build's version, from {@code gatehouse-version.properties} written by Maven. */
public final class Version {

  private static final String CURRENT = load();

  private Version() {}

  public static String current() {
    return CURRENT;
  }

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("/gatehouse-version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
