package dev.gatehouse.gateway.console;

import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's pages: Pebble templates under {@code console/templates/} with automatic HTML
 * escaping of every value (no template marks anything safe), rendered on the server. Every
 * console answer carries the strict headers of {@link #secure}; failures are a generic page.
 */
final class Views {

  /** No inline script or style, nothing from elsewhere, no framing, forms only to this origin. */
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
      + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
  private static final Logger LOG = LoggerFactory.getLogger(Views.class);

  private final PebbleEngine engine;

  Views() {
    ClasspathLoader loader = new ClasspathLoader(Views.class.getClassLoader());
    loader.setPrefix("console/templates");
    loader.setSuffix(".peb");
    this.engine = new PebbleEngine.Builder().loader(loader).autoEscaping(true).defaultEscapingStrategy("html")
        .build();
  }

  /** The headers of every console answer. */
  static void secure(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Security-Policy", CSP)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("Referrer-Policy", "same-origin")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Cross-Origin-Opener-Policy", "same-origin");
    ctx.next();
  }

  /** Renders {@code template} with {@code model} (and the signed-in analyst, if any) as a 200 page. */
  void page(RoutingContext ctx, String template, Map<String, Object> model) {
    page(ctx, 200, template, model);
  }

  void page(RoutingContext ctx, int status, String template, Map<String, Object> model) {
    Map<String, Object> context = new HashMap<>(model);
    Analyst analyst = ctx.get(Analyst.KEY);
    if (analyst != null) {
      context.put("me", Map.of("subject", analyst.principal().subject(), "admin", analyst.admin(),
          "triage", analyst.triage(), "workspace", analyst.admin() ? "" : analyst.workspace(), "csrf", analyst.csrf()));
    }
    String html;
    try {
      html = render(template, context);
    } catch (RuntimeException e) {
      // Pages render in callbacks, out of the router's reach: answer here rather than never.
      LOG.error("console page not rendered: kind={}", e.getClass().getSimpleName());
      ctx.response().setStatusCode(503).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .end("The console is unavailable.");
      return;
    }
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8").end(html);
  }

  /** {@code template} rendered with {@code context}, every value HTML-escaped. */
  String render(String template, Map<String, Object> context) {
    try {
      StringWriter out = new StringWriter();
      engine.getTemplate(template).evaluate(out, context);
      return out.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A generic error page: 400, 403, 404 or 503 (nothing about the cause). */
  void error(RoutingContext ctx, int status) {
    String message = switch (status) {
      case 400 -> "The request was not understood.";
      case 403 -> "You may not do that.";
      case 404 -> "Not found.";
      case 409 -> "That change does not apply to the alert as it is now.";
      default -> "The console is unavailable. Try again shortly.";
    };
    page(ctx, status, "error", Map.of("message", message, "status", status));
  }

  /** A dependency failed: its type logged, never its message; the generic 503 page. */
  void unavailable(RoutingContext ctx, Throwable failure) {
    LOG.warn("console request failed: kind={}", failure.getClass().getSimpleName());
    error(ctx, 503);
  }

  /** 303 to {@code location} (a path on this site). */
  static void seeOther(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, location).end();
  }

  /** {@code params} as a URL query string (names in order, values encoded); a null value is left out. */
  static String query(Map<String, ?> params) {
    StringBuilder query = new StringBuilder();
    new java.util.TreeMap<>(params).forEach((name, value) -> {
      if (value != null) {
        query.append(query.length() == 0 ? "" : "&").append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
            .append(URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
      }
    });
    return query.toString();
  }

  /** JSON objects and arrays as maps and lists the templates can read. */
  static Object plain(Object value) {
    if (value instanceof JsonObject object) {
      Map<String, Object> map = new LinkedHashMap<>();
      object.forEach(entry -> map.put(entry.getKey(), plain(entry.getValue())));
      return map;
    }
    if (value instanceof JsonArray array) {
      List<Object> list = new ArrayList<>();
      array.forEach(item -> list.add(plain(item)));
      return list;
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  static List<Object> plain(List<JsonObject> values) {
    return (List<Object>) plain(new JsonArray(new ArrayList<>(values)));
  }
}
