package dev.gatehouse.gateway.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A route's path template: {@code /}-separated segments, each a literal ({@code agents}), a
 * parameter ({@code {agentId}}, matching exactly one non-empty segment), or, as the last segment
 * only, {@code **} (matching zero or more segments).
 *
 * <h3>Matching</h3>
 * <ul>
 *   <li>Against the canonical path only (never the query). One trailing slash is ignored, as
 *       Express and most routers ignore it, so {@code /api/server/stop/} cannot slip past a rule
 *       for {@code /api/server/stop}.</li>
 *   <li>Literals compare ASCII case-insensitively, because Express routes case-insensitively: a
 *       case-sensitive gateway would let {@code /API/server/stop} past a deny rule while the
 *       runtime still served it.</li>
 * </ul>
 *
 * <h3>Specificity</h3>
 * Templates are compared segment by segment from the left; the first position that differs
 * decides: a literal beats a parameter, a parameter beats {@code **}, and a template that has
 * ended beats {@code **} (so {@code /api} beats {@code /api/**} for the path {@code /api}). Two
 * templates that can match the same path with equal specificity have the same {@link #shape()}.
 */
public final class PathTemplate {

  private enum Kind { LITERAL, PARAM, WILDCARD }

  private record Segment(Kind kind, String text) {}

  /** Rank of a position where the template has ended; above every segment kind. */
  private static final int ENDED = 3;

  private final String text;
  private final List<Segment> segments;
  private final boolean wildcard;
  private final String shape;

  private PathTemplate(String text, List<Segment> segments) {
    this.text = text;
    this.segments = segments;
    this.wildcard = !segments.isEmpty() && segments.get(segments.size() - 1).kind() == Kind.WILDCARD;
    StringBuilder s = new StringBuilder();
    for (Segment segment : segments) {
      s.append('/').append(switch (segment.kind()) {
        case LITERAL -> lowerAscii(segment.text());
        case PARAM -> "{}";
        case WILDCARD -> "**";
      });
    }
    this.shape = s.length() == 0 ? "/" : s.toString();
  }

  /**
   * @throws IllegalArgumentException with a message stating the problem (no trailing slash,
   *     no empty or dot segment, {@code **} only last, parameter names letters and digits and
   *     unique, literals limited to unreserved characters and {@code : @ ! $ & ' ( ) + , =})
   */
  public static PathTemplate parse(String text) {
    if (text == null || !text.startsWith("/")) {
      throw new IllegalArgumentException("must start with '/'");
    }
    List<Segment> segments = new ArrayList<>();
    if (text.equals("/")) {
      return new PathTemplate(text, segments);
    }
    String[] parts = text.substring(1).split("/", -1);
    Set<String> names = new HashSet<>();
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (part.isEmpty()) {
        throw new IllegalArgumentException(i == parts.length - 1
            ? "must not end with '/' (a trailing slash is ignored when matching)"
            : "must not contain an empty segment");
      }
      if (part.equals("**")) {
        if (i != parts.length - 1) {
          throw new IllegalArgumentException("'**' must be the last segment");
        }
        segments.add(new Segment(Kind.WILDCARD, part));
      } else if (part.startsWith("{")) {
        String name = part.endsWith("}") ? part.substring(1, part.length() - 1) : "";
        if (!name.matches("[A-Za-z][A-Za-z0-9]{0,31}")) {
          throw new IllegalArgumentException("parameter '" + part + "' must be {name} with a name of letters and digits");
        }
        if (!names.add(name)) {
          throw new IllegalArgumentException("parameter {" + name + "} appears twice");
        }
        segments.add(new Segment(Kind.PARAM, name));
      } else {
        if (part.equals(".") || part.equals("..")) {
          throw new IllegalArgumentException("must not contain dot segments");
        }
        if (!part.matches("[A-Za-z0-9._~:@!$&'()+,=-]+")) {
          throw new IllegalArgumentException("segment '" + part
              + "' may hold only letters, digits and - . _ ~ : @ ! $ & ' ( ) + , =");
        }
        segments.add(new Segment(Kind.LITERAL, part));
      }
    }
    return new PathTemplate(text, List.copyOf(segments));
  }

  /** The template as written. */
  public String text() {
    return text;
  }

  /** The {@code {param}} names, left to right. */
  public List<String> parameters() {
    return segments.stream().filter(s -> s.kind() == Kind.PARAM).map(Segment::text).toList();
  }

  /** Literals lower-cased and parameters unnamed: {@code /api/agents/{}/**}. Equal shapes collide. */
  public String shape() {
    return shape;
  }

  /**
   * @param path a canonical path (see {@code CanonicalRequest.path()})
   * @return the parameter values, or {@code null} if the template does not match
   */
  Map<String, String> match(List<String> path) {
    int fixed = wildcard ? segments.size() - 1 : segments.size();
    if (wildcard ? path.size() < fixed : path.size() != fixed) {
      return null;
    }
    Map<String, String> params = null;
    for (int i = 0; i < fixed; i++) {
      Segment segment = segments.get(i);
      String value = path.get(i);
      if (segment.kind() == Kind.LITERAL) {
        if (!segment.text().equalsIgnoreCase(value) || !isAscii(value)) {
          return null;
        }
      } else {
        if (value.isEmpty()) {
          return null;
        }
        if (params == null) {
          params = new HashMap<>();
        }
        params.put(segment.text(), value);
      }
    }
    return params == null ? Map.of() : params;
  }

  /** Positive when this template is more specific than {@code other}, negative when less, 0 when equal. */
  int compareSpecificity(PathTemplate other) {
    int n = Math.max(segments.size(), other.segments.size());
    for (int i = 0; i < n; i++) {
      int difference = rank(i) - other.rank(i);
      if (difference != 0) {
        return difference;
      }
    }
    return 0;
  }

  private int rank(int position) {
    if (position >= segments.size()) {
      return ENDED;
    }
    return switch (segments.get(position).kind()) {
      case LITERAL -> 2;
      case PARAM -> 1;
      case WILDCARD -> 0;
    };
  }

  /** Splits a canonical path into segments, ignoring one trailing slash. */
  static List<String> segmentsOf(String path) {
    List<String> out = new ArrayList<>();
    int end = path.length();
    if (end > 1 && path.charAt(end - 1) == '/') {
      end--;
    }
    int start = 1;
    while (start < end) {
      int slash = path.indexOf('/', start);
      if (slash < 0 || slash > end) {
        slash = end;
      }
      out.add(path.substring(start, slash));
      start = slash + 1;
    }
    return out;
  }

  private static boolean isAscii(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) > 0x7e) {
        return false;
      }
    }
    return true;
  }

  private static String lowerAscii(String literal) {
    StringBuilder out = new StringBuilder(literal.length());
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      out.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return text;
  }
}
