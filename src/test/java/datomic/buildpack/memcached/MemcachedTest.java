package datomic.buildpack.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.dyno.peerserver.PeerOptions;
import datomic.buildpack.output.UserError;
import datomic.buildpack.slug.SlugLayout;
import datomic.buildpack.testsupport.Machine;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
  void peersGetThePasswordThroughAPrivateArgFileThatARealJvmReads() throws IOException {
    Environment env = Environment.of(Map.of(
        "MEMCACHIER_SERVERS", "mc1.example.com",
        "MEMCACHIER_USERNAME", "user",
        "MEMCACHIER_PASSWORD", "p a\"s\\s#w'o$rd"));
    PeerOptions peers = PeerOptions.of(REGISTRY, env, new SlugLayout(tmp));
    assertEquals(List.of("-Ddatomic.metricsCallback=datomic-buildpack.metrics/handler",
        "-Ddatomic.memcachedServers=mc1.example.com:11211",
        "-Ddatomic.memcachedUsername=user"), peers.jvmOptions());
    assertEquals(List.of(tmp.resolve(".datomic/clj")), peers.classpathEntries());
    Path file = tmp.resolve("secret.args");
    String jdkJavaOptions = peers.writeSecretArgFile(file);
    assertEquals("@" + file, jdkJavaOptions);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

    Run.Result r = Run.of(Machine.jdkHome().resolve("bin/java").toString(),
        "-XshowSettings:properties", "-version").env("JDK_JAVA_OPTIONS", jdkJavaOptions).go();
    assertTrue(r.stderr().contains("datomic.memcachedPassword = p a\"s\\s#w'o$rd\n"), r.stderr());
    assertEquals(1, r.stderr().split("p a\"s", -1).length - 1,
        "the launcher shows the file's name, not its content:\n" + r.stderr());
  }

  @Test
  void metricsOffAndNoCacheLeaveNothingForPeers() {
    PeerOptions peers = PeerOptions.of(REGISTRY,
        Environment.of(Map.of("DATOMIC_METRICS", "off")), new SlugLayout(tmp));
    assertEquals(List.of(), peers.jvmOptions());
    assertFalse(peers.hasSecrets());
    assertEquals(List.of(), peers.classpathEntries());
    assertEquals(List.of(), peers.otherAppsJvmOptions(true));
  }
}
