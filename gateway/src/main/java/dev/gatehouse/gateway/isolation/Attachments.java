package dev.gatehouse.gateway.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.gateway.ownership.ResourceKind;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The attachments a client puts in a message: every array named {@value #FIELD}, at any depth
 * of a body the gateway inspects, and in Socket.IO sends. The runtime fetches an attachment's
 * {@code url} (an absolute one from the network, a relative one from its own server, without
 * its key) and stores what it got in the message's memory, which the sender reads back. An
 * attachment may therefore name only media of the sender's workspace, in the form the runtime
 * gives uploads: {@code /media/uploads/agents/{agent}/{file}} or
 * {@code /media/uploads/channels/{channel}/{file}}, the agent or channel and the file both owned
 * by the workspace. An attachment without a {@code url} names nothing to fetch.
 */
public final class Attachments {

  static final String FIELD = "attachments";
  /** Reason key of a refused attachment. */
  public static final String REFUSED = "attachment_not_allowed";
  /** Deeper bodies are refused rather than walked (a message body the runtime accepts is shallow). */
  private static final int MAX_DEPTH = 32;

  private static final Pattern OWN_MEDIA = Pattern.compile(
      "/media/uploads/(agents|channels)/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
          + "/([A-Za-z0-9_-][A-Za-z0-9._-]{0,254})");

  private Attachments() {}

  /**
   * True when every attachment in {@code root} names the workspace's own media, as {@code owned}
   * (kind, id) tells; a failed future when that lookup fails (callers refuse).
   */
  public static Future<Boolean> allowed(JsonNode root, BiFunction<ResourceKind, String, Future<Boolean>> owned) {
    List<JsonNode> urls = new ArrayList<>();
    collect(root, urls, 0);
    List<Future<Boolean>> checks = new ArrayList<>();
    for (JsonNode url : urls) {
      Matcher media = url.isTextual() ? OWN_MEDIA.matcher(url.asText()) : null;
      if (media == null || !media.matches()) {
        return Future.succeededFuture(false);
      }
      ResourceKind parent = "agents".equals(media.group(1)) ? ResourceKind.AGENT : ResourceKind.CHANNEL;
      checks.add(owned.apply(parent, media.group(2)));
      checks.add(owned.apply(ResourceKind.MEDIA, media.group(3)));
    }
    return Future.all(checks).map(all -> checks.stream().allMatch(Future::result));
  }

  /** Every {@code url} of every attachment under {@code node}; a non-object attachment is its own url. */
  private static void collect(JsonNode node, List<JsonNode> urls, int depth) {
    if (depth > MAX_DEPTH) {
      urls.add(node);
      return;
    }
    if (node.isObject()) {
      node.fields().forEachRemaining(field -> {
        if (FIELD.equals(field.getKey()) && field.getValue().isArray()) {
          for (JsonNode attachment : field.getValue()) {
            JsonNode url = attachment.isObject() ? attachment.get("url") : attachment;
            if (url != null && !url.isNull()) {
              urls.add(url);
            }
          }
        } else {
          collect(field.getValue(), urls, depth + 1);
        }
      });
    } else if (node.isArray()) {
      node.forEach(item -> collect(item, urls, depth + 1));
    }
  }
}
