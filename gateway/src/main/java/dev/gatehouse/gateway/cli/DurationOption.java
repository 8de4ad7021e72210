package dev.gatehouse.gateway.cli;

import dev.gatehouse.auditdetector.duration.DurationText;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a duration option ({@code --ttl}, {@code --for}) in the grammar of the configuration and
 * the admin API ({@link DurationText}); a bad value is a usage error (exit 2) naming the forms,
 * before any request is sent. The admin API receives it as ISO-8601.
 */
final class DurationOption implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    try {
      return DurationText.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
