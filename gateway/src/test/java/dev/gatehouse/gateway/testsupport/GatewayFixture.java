package dev.gatehouse.gateway.testsupport;

import dev.gatehouse.gateway.server.Gateway;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The setup most integration tests share: a throwaway PostgreSQL, a {@link TestUpstream}, a real
 * in-process gateway in front of it (see {@link TestGateways}) and an admin client with the
 * bootstrap token. {@link #close()} stops all of it; a database the test already stopped is fine.
 */
public final class GatewayFixture implements AutoCloseable {

  public final TestDatabase database;
  public final TestUpstream upstream;
  public final Gateway gateway;
  public final AdminClient admin;

  private GatewayFixture(TestDatabase database, TestUpstream upstream, Gateway gateway) throws Exception {
    this.database = database;
    this.upstream = upstream;
    this.gateway = gateway;
    this.admin = new AdminClient(gateway);
  }

  /** Settings as key=value pairs on top of the upstream and database URLs. */
  public static GatewayFixture start(Path dataDir, String... settings) throws Exception {
    TestDatabase database = new TestDatabase();
    TestUpstream upstream = new TestUpstream();
    List<String> all = new ArrayList<>(List.of("upstream.url=" + upstream.url(), "database.url=" + database.url()));
    all.addAll(List.of(settings));
    return new GatewayFixture(database, upstream,
        TestGateways.start(dataDir, all.toArray(new String[0])));
  }

  @Override
  public void close() throws Exception {
    TestGateways.stopQuietly(gateway);
    upstream.close();
    database.close();
  }
}
