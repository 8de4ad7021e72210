package dev.gatehouse.gateway.admin;

import dev.gatehouse.auditdetector.duration.DurationText;
import dev.gatehouse.gateway.authn.IssuerRegistry;
import dev.gatehouse.gateway.errors.ErrorBody;
import dev.gatehouse.gateway.token.ExternalRevocation;
import dev.gatehouse.gateway.token.MintRefusedException;
import dev.gatehouse.gateway.token.MintRequest;
import dev.gatehouse.gateway.token.TokenMinter;
import dev.gatehouse.gateway.token.TokenRecord;
import dev.gatehouse.gateway.token.TokenRevoker;
import dev.gatehouse.gateway.token.TokenSettings;
import dev.gatehouse.gateway.token.TokenStore;
import dev.gatehouse.gateway.workspace.Roles;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /admin/v1/tokens}:
 * <ul>
 *   <li>{@code POST} {@code {"workspace","subject","scopes":[..],"role","ttl":"1h","description"}}
 *       (scopes and/or role) → 201 with {@code token} — the only time the token is ever shown —
 *       and its metadata; 400 {@code ttl_too_long}, {@code unknown_scope}, ...; 404/409 for an
 *       unknown/locked workspace;</li>
 *   <li>{@code GET ?workspace=&subject=&limit=} → metadata only, never a token;</li>
 *   <li>{@code GET /{jti}};</li>
 *   <li>{@code POST /revoke} with exactly one of {@code jti}, {@code subject}, {@code workspace}
 *       (and an optional {@code reason}) → the revoked jtis; 404 if a jti is not a live token.</li>
 *   <li>{@code POST /revoke} with {@code issuer} (a registered external issuer) and exactly one of
 *       {@code jti} or {@code subject} → that issuer's token, or every token of that subject issued
 *       until now, is refused on every node from then on: {@code {"issuer", "jti"|"subject",
 *       "revokedAt", "until"}}; 404 for an issuer that is not registered. Gatehouse keeps no list of
 *       external tokens, so the answer names the revocation, not the tokens it covered.</li>
 * </ul>
 */
public final class TokenRoutes implements AdminRoutes {

  static final String PATH = AdminApi.PREFIX + "/tokens";
  static final int DEFAULT_LIST = 100;
  /** Query parameters the list route reads (others are ignored). */
  static final Set<String> LIST_PARAMETERS = Set.of("workspace", "subject", "limit");
  static final int REASON_MAX = 200;

  private final TokenMinter minter;
  private final TokenStore store;
  private final TokenRevoker revoker;
  private final IssuerRegistry issuers;

  public TokenRoutes(TokenMinter minter, TokenStore store, TokenRevoker revoker, IssuerRegistry issuers) {
    this.minter = minter;
    this.store = store;
    this.revoker = revoker;
    this.issuers = issuers;
  }

  @Override
  public void mount(Router router) {
    router.post(PATH).handler(this::mint);
    router.get(PATH).handler(this::list);
    router.post(PATH + "/revoke").handler(this::revoke);
    router.get(PATH + "/:jti").handler(this::get);
  }

  private void mint(RoutingContext ctx) {
    Optional<JsonObject> body = AdminReplies.body(ctx);
    Optional<MintRequest> request = body.flatMap(TokenRoutes::mintRequest);
    if (request.isEmpty()) {
      AdminReplies.refuse(ctx, 400, "invalid_request");
      return;
    }
    minter.mint(request.get()).onComplete(minted -> {
      if (minted.succeeded()) {
        AdminReplies.json(ctx, 201, minted.result().record().toJson().put("token", minted.result().token()));
      } else if (minted.cause() instanceof MintRefusedException refused) {
        int status = switch (refused.reason()) {
          case WORKSPACE_NOT_FOUND -> 404;
          case WORKSPACE_LOCKED -> 409;
          default -> 400;
        };
        AdminReplies.refuse(ctx, status, refused.reason().key());
      } else {
        AdminReplies.unavailable(ctx, minted.cause());
      }
    });
  }

  private static Optional<MintRequest> mintRequest(JsonObject body) {
    var workspace = AdminReplies.uuid(body.getValue("workspace") instanceof String s ? s : null);
    Object subject = body.getValue("subject");
    Object ttlText = body.getValue("ttl");
    Object description = body.getValue("description");
    Set<String> scopes = new HashSet<>();
    Object scopeList = body.getValue("scopes");
    if (scopeList instanceof JsonArray array) {
      for (Object scope : array) {
        if (!(scope instanceof String s)) {
          return Optional.empty();
        }
        scopes.add(s);
      }
    } else if (scopeList != null) {
      return Optional.empty();
    }
    Object role = body.getValue("role");
    if (role != null) {
      Optional<Set<String>> roleScopes = role instanceof String r ? Roles.scopes(r) : Optional.empty();
      if (roleScopes.isEmpty()) {
        return Optional.empty();
      }
      scopes.addAll(roleScopes.get());
    }
    Optional<Duration> ttl = ttlText == null ? Optional.of(TokenSettings.DEFAULT_TTL)
        : DurationText.of(ttlText);
    if (workspace.isEmpty() || !(subject instanceof String sub) || ttl.isEmpty()
        || (description != null && !(description instanceof String))) {
      return Optional.empty();
    }
    return Optional.of(new MintRequest(workspace.get(), sub, scopes, ttl.get(),
        Optional.ofNullable((String) description)));
  }

  private void list(RoutingContext ctx) {
    String workspaceParam = ctx.request().getParam("workspace");
    var workspace = AdminReplies.uuid(workspaceParam);
    if (workspaceParam != null && workspace.isEmpty()) {
      AdminReplies.refuse(ctx, 400, "invalid_request");
      return;
    }
    int limit;
    try {
      String limitParam = ctx.request().getParam("limit");
      limit = limitParam == null ? DEFAULT_LIST : Integer.parseInt(limitParam);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > TokenStore.MAX_LIST) {
      AdminReplies.refuse(ctx, 400, "invalid_request");
      return;
    }
    store.list(workspace, Optional.ofNullable(ctx.request().getParam("subject")), limit)
        .onComplete(tokens -> replyList(ctx, "tokens", tokens.succeeded() ? tokens.result() : null, tokens.cause()));
  }

  private void get(RoutingContext ctx) {
    store.get(ctx.pathParam("jti")).onComplete(found -> {
      if (found.failed()) {
        AdminReplies.unavailable(ctx, found.cause());
      } else if (found.result().isEmpty()) {
        AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
      } else {
        AdminReplies.json(ctx, 200, found.result().get().toJson());
      }
    });
  }

  private void revoke(RoutingContext ctx) {
    Optional<JsonObject> body = AdminReplies.body(ctx);
    if (body.isEmpty()) {
      AdminReplies.refuse(ctx, 400, "invalid_request");
      return;
    }
    JsonObject b = body.get();
    Object reasonValue = b.getValue("reason");
    String reason = reasonValue == null ? "revoked by admin"
        : reasonValue instanceof String r && r.length() <= REASON_MAX ? r : null;
    long selectors = List.of("jti", "subject", "workspace").stream().filter(b::containsKey).count();
    if (reason == null || selectors != 1) {
      AdminReplies.refuse(ctx, 400, "invalid_request");
      return;
    }
    if (b.containsKey("issuer")) {
      revokeExternal(ctx, b, reason);
      return;
    }
    Future<List<TokenRecord>> revoked;
    if (b.getValue("jti") instanceof String jti) {
      revoked = revoker.revokeJti(jti, reason);
    } else if (b.getValue("subject") instanceof String subject) {
      revoked = revoker.revokeSubject(subject, reason);
    } else if (b.getValue("workspace") instanceof String ws && AdminReplies.uuid(ws).isPresent()) {
      revoked = revoker.revokeWorkspace(AdminReplies.uuid(ws).get(), reason);
    } else {
      AdminReplies.refuse(ctx, 400, "invalid_request");
      return;
    }
    boolean byJti = b.containsKey("jti");
    revoked.onComplete(done -> {
      if (done.failed()) {
        AdminReplies.unavailable(ctx, done.cause());
      } else if (byJti && done.result().isEmpty()) {
        AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
      } else {
        JsonArray jtis = new JsonArray();
        done.result().forEach(t -> jtis.add(t.jti()));
        AdminReplies.json(ctx, 200, new JsonObject().put("revoked", jtis.size()).put("jtis", jtis));
      }
    });
  }

  private void revokeExternal(RoutingContext ctx, JsonObject b, String reason) {
    ExternalRevocation.Target target;
    if (!(b.getValue("issuer") instanceof String issuer) || b.containsKey("workspace")) {
      AdminReplies.refuse(ctx, 400, "invalid_request");
      return;
    } else if (b.getValue("jti") instanceof String jti && !jti.isEmpty()) {
      target = ExternalRevocation.Target.jti(issuer, jti);
    } else if (b.getValue("subject") instanceof String subject && !subject.isEmpty()) {
      target = ExternalRevocation.Target.subject(issuer, subject);
    } else {
      AdminReplies.refuse(ctx, 400, "invalid_request");
      return;
    }
    if (!issuers.registered(issuer)) {
      AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
      return;
    }
    revoker.revokeExternal(target, reason).onComplete(done -> {
      if (done.failed()) {
        AdminReplies.unavailable(ctx, done.cause());
        return;
      }
      ExternalRevocation revocation = done.result();
      AdminReplies.json(ctx, 200, new JsonObject().put("issuer", issuer)
          .put(target.kind() == ExternalRevocation.Kind.JTI ? "jti" : "subject", target.value())
          .put("revokedAt", revocation.revokedAt().toString()).put("until", revocation.expiresAt().toString()));
    });
  }

  private static void replyList(RoutingContext ctx, String field, List<TokenRecord> tokens, Throwable failure) {
    if (tokens == null) {
      AdminReplies.unavailable(ctx, failure);
      return;
    }
    JsonArray items = new JsonArray();
    tokens.forEach(t -> items.add(t.toJson()));
    AdminReplies.json(ctx, 200, new JsonObject().put(field, items));
  }
}
