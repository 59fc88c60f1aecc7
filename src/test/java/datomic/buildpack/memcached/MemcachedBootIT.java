package datomic.buildpack.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Dyno;
import datomic.buildpack.testsupport.DynoEnv;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MemCachier at a transactor's boot and in peer-uri, through the compiled slug's launcher. */
class MemcachedBootIT {
  static final String PASSWORD = "mcpw-5ecret-77";
  @TempDir static Path shared;
  static BuildFixture app;
  @TempDir Path tmp;

  @BeforeAll
  static void compileOnce() {
    app = BuildFixture.compiled("minimal-transactor", shared);
  }

  @AfterAll
  static void close() {
    app.close();
  }

  Map<String, String> dyno() throws IOException {
    Map<String, String> env = DynoEnv.of("transactor.1", tmp.resolve("cgroup"), DynoEnv.ONE_GB);
    env.put("HEROKU_PRIVATE_IP", "10.0.0.1");
    env.put("MEMCACHIER_SERVERS", "mc1.dev.ec2.memcachier.com,mc2.dev.ec2.memcachier.com:11212");
    env.put("MEMCACHIER_USERNAME", "A1B2C3");
    env.put("MEMCACHIER_PASSWORD", PASSWORD);
    return env;
  }

  @Test
  void theAddOnConfiguresTheTransactorAndItsPasswordStaysOutOfTheLog() throws IOException {
    try (Dyno dyno = Dyno.start(app.build(), "transactor", dyno(), tmp.resolve("d"))) {
      assertTrue(dyno.awaitStarted(90), dyno.output());
      Properties p = dyno.properties();
      assertEquals("mc1.dev.ec2.memcachier.com:11211,mc2.dev.ec2.memcachier.com:11212",
          p.getProperty("memcached"));
      assertEquals("A1B2C3", p.getProperty("memcached-username"));
      assertEquals(PASSWORD, p.getProperty("memcached-password"));
      assertTrue(dyno.stdout().contains("memcached                mc1.dev.ec2.memcachier.com:11211,"
          + "mc2.dev.ec2.memcachier.com:11212  (MemCachier add-on, MEMCACHIER_SERVERS)"),
          dyno.stdout());
      assertTrue(dyno.stdout().contains("memcached-password       ********  (MemCachier add-on,"
          + " MEMCACHIER_PASSWORD)"), dyno.stdout());
      assertFalse(dyno.output().contains(PASSWORD), dyno.output());
    }
  }

  @Test
  void explicitConfigVarsWinOverTheAddOn() throws IOException {
    Map<String, String> env = dyno();
    env.put("DATOMIC_MEMCACHED", "10.1.1.1:11211");
    try (Dyno dyno = Dyno.start(app.build(), "transactor", env, tmp.resolve("d"))) {
      assertTrue(dyno.awaitStarted(90), dyno.output());
      Properties p = dyno.properties();
      assertEquals("10.1.1.1:11211", p.getProperty("memcached"));
      assertNull(p.getProperty("memcached-username"));
      assertNull(p.getProperty("memcached-password"));
    }
    env = dyno();
    env.put("DATOMIC_MEMCACHED_PASSWORD", "rotated-pw-1");
    try (Dyno dyno = Dyno.start(app.build(), "transactor", env, tmp.resolve("d2"))) {
      assertTrue(dyno.awaitStarted(90), dyno.output());
      assertEquals("rotated-pw-1", dyno.properties().getProperty("memcached-password"));
      assertEquals("A1B2C3", dyno.properties().getProperty("memcached-username"));
      assertFalse(dyno.output().contains("rotated-pw-1"), dyno.output());
    }
  }

  /**
   * A short password (MemCachier's are long, but a self-run memcached's may not be) is masked
   * where the summary prints it, and nowhere else: not inside property names or values.
   */
  @Test
  void aShortPasswordIsMaskedAsAValueNotInsideWords() throws IOException {
    Map<String, String> env = dyno();
    env.put("MEMCACHIER_PASSWORD", "in");
    try (Dyno dyno = Dyno.start(app.build(), "transactor", env, tmp.resolve("d"))) {
      assertTrue(dyno.awaitStarted(90), dyno.output());
      assertEquals("in", dyno.properties().getProperty("memcached-password"));
      assertTrue(dyno.stdout().contains("memcached-password       ********  (MemCachier add-on,"
          + " MEMCACHIER_PASSWORD)"), dyno.stdout());
      assertTrue(dyno.stdout().contains("\n       memory-index-max "), dyno.stdout());
      assertFalse(dyno.stdout().contains("memory-********"), dyno.stdout());
    }
  }

  /** The transactor reads DATOMIC_MEMCACHED by the list rule, as the peers do. */
  @Test
  void theTransactorGetsTheServerListAsThePeersDo() throws IOException {
    Map<String, String> env = dyno();
    env.put("DATOMIC_MEMCACHED", " 10.1.1.1:11212 , 10.1.1.2 ");
    try (Dyno dyno = Dyno.start(app.build(), "transactor", env, tmp.resolve("d"))) {
      assertTrue(dyno.awaitStarted(90), dyno.output());
      assertEquals("10.1.1.1:11212,10.1.1.2:11211", dyno.properties().getProperty("memcached"));
    }
  }

  @Test
  void aBrokenServerListStopsTheBootWithAMessage() throws IOException {
    Map<String, String> env = dyno();
    env.put("MEMCACHIER_SERVERS", "mc1.example.com:memcached");
    try (Dyno dyno = Dyno.start(app.build(), "transactor", env, tmp.resolve("d"))) {
      assertNotEquals(0, dyno.awaitExit(90), dyno.output());
      assertTrue(dyno.stderr().contains(" !     Error: MEMCACHIER_SERVERS is not a list of memcached"
          + " servers: 'mc1.example.com:memcached': expected host or host:port"), dyno.stderr());
      assertFalse(dyno.stdout().contains("System started"), dyno.stdout());
    }
  }

  @Test
  void peerUriPrintsThePeersJvmOptionsPasswordMaskedUnlessAsked() throws IOException {
    Map<String, String> env = dyno();
    env.put("DATABASE_URL", "postgres://u:dbpw-1234@db.example.com:5432/d1");
    String launcher = app.build().resolve(".datomic/bin/datomic-buildpack").toString();

    Run.Result masked = Run.of(launcher, "peer-uri", "my-db").env(env).go();
    assertEquals(0, masked.exitCode(), masked.toString());
    assertEquals("datomic:sql://my-db?jdbc:postgresql://db.example.com:5432/d1?user=u"
        + "&password=********&sslmode=require&connectTimeout=10&loginTimeout=10&socketTimeout=60\n"
        + "# Peers sharing this app's memcached (MemCachier add-on, MEMCACHIER_SERVERS) also need"
        + " these JVM options (password masked; --show-password shows it):\n"
        + "-Ddatomic.memcachedServers=mc1.dev.ec2.memcachier.com:11211,"
        + "mc2.dev.ec2.memcachier.com:11212 -Ddatomic.memcachedUsername=A1B2C3"
        + " -Ddatomic.memcachedPassword=********\n", masked.stdout());
    assertFalse(masked.all().contains(PASSWORD), masked.all());

    Run.Result shown = Run.of(launcher, "peer-uri", "my-db", "--show-password").env(env).go();
    assertTrue(shown.stdout().endsWith(" -Ddatomic.memcachedPassword=" + PASSWORD + "\n"),
        shown.stdout());

    Run.Result uri = Run.of(launcher, "peer-uri", "my-db", "--uri-only").env(env).go();
    assertEquals(1, uri.stdout().lines().count(), uri.stdout());

    env.remove("MEMCACHIER_SERVERS");
    Run.Result none = Run.of(launcher, "peer-uri", "my-db").env(env).go();
    assertEquals(1, none.stdout().lines().count(), none.stdout());
  }
}
