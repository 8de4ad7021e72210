package dev.gatehouse.gateway.authn;

import dev.gatehouse.gateway.admin.AdminAuthenticator;
import dev.gatehouse.gateway.admin.AdminReplies;
import dev.gatehouse.gateway.admin.BootstrapToken;
import dev.gatehouse.gateway.admin.IssuerRoutes;
import dev.gatehouse.gateway.admin.KeyRoutes;
import dev.gatehouse.gateway.admin.TokenRoutes;
import dev.gatehouse.gateway.admin.WorkspaceRoutes;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.keys.JwksHandler;
import dev.gatehouse.gateway.keys.SigningAlgorithm;
import dev.gatehouse.gateway.keys.SigningKeys;
import dev.gatehouse.gateway.proxy.UpstreamProxy;
import dev.gatehouse.gateway.store.Database;
import dev.gatehouse.gateway.store.MigrationSet;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.store.ChangeFeed;
import dev.gatehouse.gateway.token.RevocationState;
import dev.gatehouse.gateway.token.TokenMinter;
import dev.gatehouse.gateway.token.TokenRevoker;
import dev.gatehouse.gateway.token.TokenSettings;
import dev.gatehouse.gateway.token.TokenStore;
import dev.gatehouse.gateway.workspace.WorkspaceStore;
import dev.gatehouse.secrets.blob.SecretBlobSealer;
import dev.gatehouse.secrets.provider.KeyProvider;
import dev.gatehouse.secrets.provider.KeyProviders;
import dev.gatehouse.secrets.provider.Profile;
import dev.gatehouse.secrets.provider.local.Keyring;
import dev.gatehouse.secrets.provider.local.LocalKeyringConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.pgclient.PgConnectOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One authenticating node for tests, wired the way the gateway wires it: a main listener on port
 * 0 (JWKS document, then bearer authentication, then the proxy to an upstream) and an admin
 * listener on port 0 (admin authenticator, then the workspace/token/key/issuer routes), sharing a
 * real PostgreSQL with any other node.
 */
public final class AuthnNode implements AutoCloseable {

  static final String KEY_NAME = "gatehouse-characters";

  public final Vertx vertx = Vertx.vertx();
  public final Database database;
  public final ChangeFeed feed;
  public final RevocationState revocations;
  public final SigningKeys keys;
  public final IssuerRegistry issuers;
  public final TokenVerifier verifier;
  public final TokenMinter minter;
  public final TokenStore tokens;
  public final WorkspaceStore workspaces;
  public final String adminToken;
  public final SecretBlobSealer sealer;
  private final KeyProvider provider;
  private final UpstreamProxy proxy;
  private final HttpServer main;
  private final HttpServer admin;

  /** Starts a node against {@code databaseUrl}; {@code dataDir} holds the keyring and the admin token. */
  public AuthnNode(String databaseUrl, Path dataDir, String upstreamUrl, TokenSettings settings,
      Duration jwksMinRefetch) throws Exception {
    Path keyring = dataDir.resolve("keyring.json");
    if (!Files.exists(keyring)) {
      Keyring.create(keyring, KEY_NAME, Clock.systemUTC());
    }
    provider = KeyProviders.open(Profile.DEVELOPMENT, new LocalKeyringConfig(keyring, KEY_NAME), Map.of());
    database = Await.result(Database.open(vertx,
        new GatewayConfig.Database(Optional.of(URI.create(databaseUrl)), Optional.empty(), Optional.empty(), 4),
        dataDir, List.of(MigrationSet.GATEWAY)));
    feed = new ChangeFeed(vertx, PgConnectOptions.fromUri(databaseUrl));
    Clock clock = Clock.systemUTC();
    revocations = new RevocationState(vertx, database.pool(), feed, clock);
    sealer = new SecretBlobSealer(provider);
    keys = new SigningKeys(vertx, database.pool(), sealer, feed);
    issuers = new IssuerRegistry(vertx, database.pool(), feed, jwksMinRefetch, clock);
    Await.result(feed.start());
    Await.result(revocations.start());
    Await.result(keys.start(SigningAlgorithm.ES256));
    Await.result(issuers.start());
    verifier = new TokenVerifier(settings, keys, issuers, revocations, clock);
    tokens = new TokenStore(database.pool());
    workspaces = new WorkspaceStore(database.pool());
    minter = new TokenMinter(settings, keys, tokens, workspaces, clock);
    TokenRevoker revoker = new TokenRevoker(tokens, revocations);

    proxy = new UpstreamProxy(vertx, new GatewayConfig.Upstream(URI.create(upstreamUrl), Duration.ofSeconds(2),
        Duration.ofSeconds(5), Optional.empty()));
    BearerAuthenticator authenticator = new BearerAuthenticator(verifier);
    JwksHandler jwks = new JwksHandler(keys);
    main = Await.result(vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(request -> {
          if (JwksHandler.PATH.equals(request.path())) {
            jwks.handle(request);
            return;
          }
          request.pause();
          authenticator.authenticate(request).onComplete(outcome -> {
            if (outcome.succeeded() && outcome.result() instanceof AuthnResult.Authenticated) {
              // Stands in for the request pipeline, which hands the proxy the authorized target.
              request.headers().set(UpstreamProxy.FORWARD_TARGET_HEADER, request.path());
              proxy.handle(request);
            } else {
              BearerAuthenticator.deny(request.response(), outcome.succeeded() ? outcome.result() : null,
                  outcome.cause());
            }
          });
        })
        .listen());

    Await.result(BootstrapToken.ensure(vertx, database.pool(), dataDir));
    adminToken = Files.readString(dataDir.resolve(BootstrapToken.FILE_NAME)).strip();
    Router router = Router.router(vertx);
    router.route("/admin/v1/*").handler(BodyHandler.create().setBodyLimit(AdminReplies.MAX_BODY_BYTES));
    router.route("/admin/v1/*").handler(new AdminAuthenticator(database.pool(), verifier));
    new WorkspaceRoutes(workspaces, revocations).mount(router);
    new TokenRoutes(minter, tokens, revoker).mount(router);
    new KeyRoutes(keys).mount(router);
    new IssuerRoutes(issuers).mount(router);
    admin = Await.result(vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(router).listen());
  }

  public String mainUrl() {
    return "http://127.0.0.1:" + main.actualPort();
  }

  public String adminUrl() {
    return "http://127.0.0.1:" + admin.actualPort();
  }

  @Override
  public void close() throws Exception {
    revocations.stop();
    Await.result(main.close());
    Await.result(admin.close());
    Await.result(issuers.close());
    Await.result(feed.close());
    Await.result(proxy.close());
    Await.result(database.close());
    Await.result(vertx.close());
    provider.close();
  }
}
