package datomic.buildpack.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.dyno.peerserver.PeerOptions;
import datomic.buildpack.output.UserError;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** MemCachier and DATOMIC_MEMCACHED* settings, for the transactor and for peers. */
class MemcachedTest {
  static final ConfigRegistry REGISTRY = ConfigRegistry.load();
  static final Map<String, String> MEMCACHIER = Map.of(
      "MEMCACHIER_SERVERS", "mc1.dev.ec2.memcachier.com, mc2.dev.ec2.memcachier.com:11212",
      "MEMCACHIER_USERNAME", "A1B2C3",
      "MEMCACHIER_PASSWORD", "mcpw-9f8e7d");

  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "mc1.example.com | mc1.example.com:11211",
    "mc1.example.com:11212 | mc1.example.com:11212",
    "' a:1 , b , c:2 ' | a:1,b:11211,c:2",
    "[::1]:11213,[fe80::1] | [::1]:11213,[fe80::1]:11211",
  })
  void aServerWithoutAPortGetsMemcachedsPort(String raw, String expected) {
    assertEquals(expected, Memcached.normalize(raw, "MEMCACHIER_SERVERS"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "mc1.example.com:http", "mc1.example.com:0", "mc1.example.com:70000", "-bad:1", "a/b", "','",
    // The list rule (config.ValueList): commas separate, no list or item is empty.
    "' , ,'", "' a:1 , b ,, c:2 '", "'a:1,'", "a b:3",
  })
  void aServerListThatIsNotHostPortIsRefusedNamingTheVar(String raw) {
    UserError e = assertThrows(UserError.class,
        () -> Memcached.normalize(raw, "MEMCACHIER_SERVERS"));
    assertTrue(e.getMessage().startsWith("MEMCACHIER_SERVERS "), e.getMessage());
  }

  @Test
  void theAddOnAloneGivesServersUserAndPasswordWithTheirSources() {
    Memcached m = Memcached.resolve(REGISTRY, Environment.of(MEMCACHIER)).orElseThrow();
    assertEquals("mc1.dev.ec2.memcachier.com:11211,mc2.dev.ec2.memcachier.com:11212",
        m.servers().value());
    assertEquals("MemCachier add-on, MEMCACHIER_SERVERS", m.servers().source());
    assertEquals("A1B2C3", m.username().orElseThrow().value());
    assertEquals("mcpw-9f8e7d", m.password().orElseThrow().value());
    assertEquals(List.of("-Ddatomic.memcachedServers=mc1.dev.ec2.memcachier.com:11211,"
            + "mc2.dev.ec2.memcachier.com:11212", "-Ddatomic.memcachedUsername=A1B2C3",
            "-Ddatomic.memcachedPassword=********"), m.peerJvmOptions(false));
    assertEquals("-Ddatomic.memcachedPassword=mcpw-9f8e7d", m.peerJvmOptions(true).get(2));
    assertFalse(m.summary().contains("mcpw-9f8e7d"), m.summary());
  }

  @Test
  void explicitVarsWinAndOtherServersDropTheAddOnsCredentials() {
    Environment env = Environment.of(MEMCACHIER).with("DATOMIC_MEMCACHED_PASSWORD", "mine");
    Memcached m = Memcached.resolve(REGISTRY, env).orElseThrow();
    assertEquals("mine", m.password().orElseThrow().value());
    assertEquals("config var DATOMIC_MEMCACHED_PASSWORD", m.password().orElseThrow().source());
    assertEquals("A1B2C3", m.username().orElseThrow().value());

    env = Environment.of(MEMCACHIER).with("DATOMIC_MEMCACHED", "10.1.1.1:11211");
    m = Memcached.resolve(REGISTRY, env).orElseThrow();
    assertEquals("10.1.1.1:11211", m.servers().value());
    assertEquals(Optional.empty(), m.username().map(Memcached.Sourced::value));
    assertEquals(Optional.empty(), m.password().map(Memcached.Sourced::value));
    assertTrue(Memcached.fromAddOn(env).isEmpty());
    assertTrue(Memcached.resolve(REGISTRY, Environment.of(Map.of())).isEmpty());
  }

  @Test
  void addOnSecretsAreMaskedLikeTheBuildpacksOwn() {
    Environment env = Environment.of(MEMCACHIER).with("AWS_SECRET_ACCESS_KEY", "awssecret123")
        .with("BUCKETEER_AWS_SECRET_ACCESS_KEY", "bucketsecret456");
    assertEquals("a ******** b ******** c ********", REGISTRY.secrets(env)
        .mask("a mcpw-9f8e7d b awssecret123 c bucketsecret456"));
  }

  @Test
  void peersGetTheCallbackAndTheCacheAsSystemPropertiesWithThePasswordUnchanged() {
    Environment env = Environment.of(Map.of(
        "MEMCACHIER_SERVERS", "mc1.example.com",
        "MEMCACHIER_USERNAME", "user",
        "MEMCACHIER_PASSWORD", "p a\"s\\s#w'o$rd"));
    PeerOptions peers = PeerOptions.of(REGISTRY, env);
    assertEquals(Map.of(
        "datomic.metricsCallback", "datomic-buildpack.metrics/handler",
        "datomic.memcachedServers", "mc1.example.com:11211",
        "datomic.memcachedUsername", "user",
        "datomic.memcachedPassword", "p a\"s\\s#w'o$rd"), peers.systemProperties());
    assertEquals(List.of("datomic.metricsCallback", "datomic.memcachedServers",
        "datomic.memcachedUsername", "datomic.memcachedPassword"),
        List.copyOf(peers.systemProperties().keySet()), "in order");
    assertTrue(PeerOptions.SECRET_PROPERTIES.contains("datomic.memcachedPassword"));
    assertTrue(peers.sourceOf("datomic.memcachedServers").contains("MEMCACHIER_SERVERS"),
        peers.sourceOf("datomic.memcachedServers"));
  }

  @Test
  void metricsOffAndNoCacheLeaveNothingForPeers() {
    PeerOptions peers = PeerOptions.of(REGISTRY,
        Environment.of(Map.of("DATOMIC_METRICS", "off")));
    assertEquals(Map.of(), peers.systemProperties());
    assertEquals(List.of(), peers.otherAppsJvmOptions(true));
  }
}
