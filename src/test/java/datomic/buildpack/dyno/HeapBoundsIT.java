package datomic.buildpack.dyno;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.local.PostgresServer.Database;
import datomic.buildpack.local.PostgresServer;
import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Dyno;
import datomic.buildpack.testsupport.DynoEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One rule for the heap of every Datomic process (the transactor, the release phase's check of
 * it, the peer server, backups, create-database): at least 256m, and what does not fit the dyno
 * is refused with the largest heap that fits and the smallest dyno type, of the app's family,
 * that fits the heap asked for. Under heroku local (no DYNO, no cgroup limit) the default heap is
 * the smallest Private Space dyno's, not three quarters of the machine, and the advice is .env's.
 * Each case runs the compiled fixture app's commands as a dyno would.
 */
class HeapBoundsIT {
  static final PostgresServer PG = PostgresServer.shared();
  @TempDir static Path shared;
  static BuildFixture app;
  static Database db;

  @TempDir Path tmp;

  @BeforeAll
  static void compileOnce() {
    app = BuildFixture.compiled("minimal-transactor", shared);
    db = PG.newDatabase();
  }

  @AfterAll
  static void close() {
    app.close();
  }

  /** A dyno of {@code mb} MB, in a Private Space unless {@code privateSpace} is false. */
  Map<String, String> dyno(String name, long mb, boolean privateSpace) throws IOException {
    Map<String, String> env = DynoEnv.of(name, tmp.resolve("cgroup-" + mb), mb << 20);
    if (privateSpace) {
      env.put("HEROKU_PRIVATE_IP", "10.0.0.7");
    }
    env.put("DATABASE_URL", db.url());
    if (!PG.ssl()) {
      env.put("DATOMIC_SQL_SSLMODE", "disable");
    }
    env.put("DATOMIC_PEER_SERVER_DATABASES", "orders");
    env.put("DATOMIC_PEER_SERVER_ACCESS_KEY", "ak-heap");
    env.put("DATOMIC_PEER_SERVER_SECRET", "sk-heap-bounds-0c1d2e3f");
    env.put("DATOMIC_BACKUP_URL", "file:" + tmp.resolve("backups"));
    return env;
  }

  /** Runs {@code command} (a Procfile line) on a dyno with {@code env}; expects a refusal. */
  String refused(String command, Map<String, String> env) {
    try (Dyno dyno = Dyno.command(app.build(), command, env, tmp.resolve("dynos"))) {
      assertNotEquals(0, dyno.awaitExit(90), dyno.output());
      String err = dyno.stderr();
      assertTrue(err.contains(" !     Error: "), dyno.output());
      assertFalse(dyno.stdout().contains("System started") || dyno.stdout().contains("Serving"),
          "Datomic was not started:\n" + dyno.output());
      return err;
    }
  }

  static final String LAUNCHER = ".datomic/bin/datomic-buildpack ";

  @ParameterizedTest(name = "{1}={2} ({0})")
  @CsvSource({
    "launch,                DATOMIC_XMX,             1k",
    "launch,                DATOMIC_XMX,             255m",
    "release-phase,         DATOMIC_XMX,             0m",
    "peer-server,           DATOMIC_PEER_SERVER_XMX, 1k",
    "peer-server,           DATOMIC_PEER_SERVER_XMX, 0m",
    "backup orders,         DATOMIC_BACKUP_XMX,      1k",
  })
  void aHeapUnder256mIsRefusedByEveryProcessWithTheSameWords(String command, String var,
      String value) throws IOException {
    String name = command.equals("launch") ? "transactor.1"
        : command.equals("peer-server") ? "peer-server.1"
        : command.startsWith("release") ? "release.1" : "run.1";
    Map<String, String> env = dyno(name, 2560, true);
    env.put(var, value);
    String err = refused(LAUNCHER + command, env);
    assertTrue(err.contains(" !     Error: " + var + "=" + value + " is a heap of "
        + (value.equals("255m") ? "255" : "0") + " MB; every Datomic process needs at least"
        + " 256m."), err);
    assertTrue(err.contains("Set 256m or more: heroku config:set " + var + "=256m, or derive the"
        + " heap from the dyno: heroku config:unset " + var), err);
    assertFalse(err.contains("Xmx0"), err);
  }

  @Test
  void aDynoTooSmallForAnyHeapIsRefusedWithTheDynoTypeThatFits() throws IOException {
    Map<String, String> env = dyno("run.1", 400, true);
    String err = refused(LAUNCHER + "create-database orders", env);
    assertTrue(err.contains("Error: This dyno's 400 MB (cgroup v2 memory.max) leave the"
        + " create-database a heap of 144 MB, less than the 256m every Datomic process needs."),
        err);
    assertTrue(err.contains("Use a larger dyno: heroku run --size=private-s ... (1 GB; shield-s"
        + " in a Shield space)"), err);

    Map<String, String> transactor = dyno("transactor.1", 400, false);
    String common = refused(LAUNCHER + "launch", transactor);
    assertTrue(common.contains("leave the transactor a heap of 144 MB"), common);
    assertTrue(common.contains("heroku ps:type transactor=standard-1x (512 MB)"),
        "the Common Runtime's family: " + common);
  }

  @Test
  void aHeapThatDoesNotFitSaysWhatFitsAndWhichDynoOfTheAppsFamily() throws IOException {
    Map<String, String> common = dyno("transactor.1", 1024, false);
    common.put("DATOMIC_XMX", "2g");
    String err = refused(LAUNCHER + "launch", common);
    assertTrue(err.contains("The largest heap that fits this dyno is 768m: heroku config:set"
        + " DATOMIC_XMX=768m."), err);
    assertTrue(err.contains("For a 2g heap, use a dyno of at least 2304 MB: heroku ps:type"
        + " transactor=performance-m (2.5 GB)"), err);

    Map<String, String> space = dyno("transactor.1", 1024, true);
    space.put("DATOMIC_XMX", "64g");
    err = refused(LAUNCHER + "launch", space);
    assertTrue(err.contains("heroku ps:type transactor=private-2xl (126 GB; shield-2xl in a"
        + " Shield space)"), "64g + 256 MB is more than private-xl's 62 GB: " + err);
    assertFalse(err.contains("performance-"), err);

    space.put("DATOMIC_XMX", "200g");
    err = refused(LAUNCHER + "launch", space);
    assertTrue(err.contains("The largest dyno type, private-2xl (126 GB), fits a heap of at most"
        + " 128768m: heroku config:set DATOMIC_XMX=128768m"), err);

    // The release phase runs on a dyno of its own: a heap no dyno type has is refused there.
    Map<String, String> release = dyno("release.1", 1024, true);
    release.put("DATOMIC_XMX", "200g");
    err = refused(LAUNCHER + "release-phase", release);
    assertTrue(err.contains("Error: The transactor heap (200g, from config var DATOMIC_XMX)"
        + " fits no dyno type this app can use."), err);

    Map<String, String> backup = dyno("run.1", 1024, true);
    backup.put("DATOMIC_BACKUP_XMX", "1g");
    err = refused(LAUNCHER + "backup orders", backup);
    assertTrue(err.contains("The largest heap that fits this dyno is 608m"), err);
    assertTrue(err.contains("heroku run --size=private-m ... (2.5 GB; shield-m in a Shield"
        + " space)"), err);
  }

  @Test
  void withoutACgroupLimitTheHeapIsASmallPrivateDynosAndTheAdviceIsDotEnvs()
      throws IOException {
    Map<String, String> env = new HashMap<>();
    // heroku local: no DYNO, and no memory limit (an empty cgroup folder: nothing to read).
    env.put("DATOMIC_BUILDPACK_CGROUP_ROOT",
        Files.createDirectories(tmp.resolve("no-cgroup")).toString());
    env.put("PORT", "5000");
    try (Dyno dyno = Dyno.start(app.build(), "transactor", env, tmp.resolve("dynos"))) {
      assertTrue(dyno.awaitStarted(60), dyno.output());
      assertEquals("768m", dyno.argument("XMX"), "a private-s dyno's heap, not 75% of the machine");
      String out = dyno.stdout();
      assertTrue(out.matches("(?s).*heap      -Xmx768m -Xms768m \\(a private-s dyno's default"
          + " \\(1 GB\\): no cgroup limit here, the machine has \\d+ MB; for another,"
          + " DATOMIC_XMX=SIZE in \\.env\\).*"), out);
      assertEquals(0, dyno.stop());
    }
    env.put("DATOMIC_XMX", "1000g");
    String err = refused(LAUNCHER + "launch", env);
    assertTrue(err.contains("does not fit this machine's"), err);
    assertTrue(err.contains("DATOMIC_XMX=") && err.contains(" in .env"), err);
    assertFalse(err.contains("heroku "), "no heroku command locally: " + err);
  }
}
