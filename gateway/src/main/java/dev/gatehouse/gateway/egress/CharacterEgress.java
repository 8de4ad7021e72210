package dev.gatehouse.gateway.egress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.isolation.ProviderSecretSwap;
import io.vertx.core.Future;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Keeps provider keys out of the runtime: a character deployed through the gateway gets a fresh
 * egress credential for its agent in place of every provider key ({@link #KEY_SETTINGS}) and the
 * egress listener's URL in place of every provider URL ({@link #URL_SETTINGS}), written to
 * {@code settings.secrets} and over any copy in {@code secrets} or {@code settings} (elizaOS's
 * {@code getSetting} reads those first). A change of a deployed character that names any of these
 * settings gets the same treatment with a new credential (the agent's earlier one is revoked).
 *
 * <p><b>A real key the character carried is dropped, not kept.</b> Provider keys are the
 * workspace's, set by an operator through the admin plane; a key arriving inside a character
 * (written by anyone holding {@code secrets:write}) does not become the workspace's key.
 */
public final class CharacterEgress implements ProviderSecretSwap {

  /** The provider key settings of the shipped model plugins; each is replaced by the credential. */
  public static final List<String> KEY_SETTINGS = List.of("OPENAI_API_KEY", "OPENAI_EMBEDDING_API_KEY",
      "ANTHROPIC_API_KEY");
  /** The provider URL settings; each points at the egress listener. */
  public static final List<String> URL_SETTINGS = List.of("OPENAI_BASE_URL", "OPENAI_EMBEDDING_URL",
      "ANTHROPIC_BASE_URL");

  private final EgressCredentials credentials;
  private final Supplier<Optional<URI>> listenerUrl;

  /** {@code listenerUrl}: the URL agents reach the egress listener at, once it listens. */
  public CharacterEgress(EgressCredentials credentials, Supplier<Optional<URI>> listenerUrl) {
    this.credentials = credentials;
    this.listenerUrl = listenerUrl;
  }

  /** {@code environment} without any provider key or URL: what a runtime may inherit with egress on. */
  public static <V> Map<String, V> withoutProviderSettings(Map<String, V> environment) {
    Map<String, V> kept = new HashMap<>(environment);
    Stream.concat(KEY_SETTINGS.stream(), URL_SETTINGS.stream()).forEach(kept::remove);
    return Map.copyOf(kept);
  }

  @Override
  public Future<Void> apply(String workspace, String agentId, ObjectNode character, boolean creating) {
    if (!creating && !namesProviderSettings(character)) {
      return Future.succeededFuture();
    }
    Optional<URI> url = listenerUrl.get();
    if (url.isEmpty()) {
      return Future.failedFuture(new IllegalStateException("egress listener not listening"));
    }
    return credentials.issue(UUID.fromString(workspace), agentId).map(credential -> {
      write(character, credential.reveal(), url.get().toString());
      return null;
    });
  }

  private static boolean namesProviderSettings(ObjectNode character) {
    return containers(character).anyMatch(node -> Stream.concat(KEY_SETTINGS.stream(), URL_SETTINGS.stream())
        .anyMatch(node::has));
  }

  private static void write(ObjectNode character, String credential, String url) {
    ObjectNode settings = character.get("settings") instanceof ObjectNode s ? s : character.putObject("settings");
    ObjectNode secrets = settings.get("secrets") instanceof ObjectNode s ? s : settings.putObject("secrets");
    KEY_SETTINGS.forEach(name -> secrets.put(name, credential));
    URL_SETTINGS.forEach(name -> secrets.put(name, url));
    containers(character).filter(node -> node != secrets).forEach(node -> {
      KEY_SETTINGS.stream().filter(node::has).forEach(name -> node.put(name, credential));
      URL_SETTINGS.stream().filter(node::has).forEach(name -> node.put(name, url));
    });
  }

  /** Where elizaOS looks a setting up: {@code secrets}, {@code settings}, {@code settings.secrets}. */
  private static Stream<ObjectNode> containers(ObjectNode character) {
    JsonNode settings = character.get("settings");
    return Stream.of(character.get("secrets"), settings, settings == null ? null : settings.get("secrets"))
        .filter(ObjectNode.class::isInstance).map(ObjectNode.class::cast);
  }
}
