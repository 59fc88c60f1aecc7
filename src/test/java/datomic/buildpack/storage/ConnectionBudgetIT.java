package datomic.buildpack.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.local.PostgresServer.Database;
import datomic.buildpack.local.PostgresServer;
import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Dyno;
import datomic.buildpack.testsupport.DynoEnv;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection budget at a transactor's boot and in the release phase, against a real
 * PostgreSQL started with max_connections = 20 (like Heroku's Essential-0 and -1 plans) whose
 * connections the test holds open.
 */
class ConnectionBudgetIT {
  @TempDir static Path shared;
  static BuildFixture app;
  static PostgresServer small;
  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    small = PostgresServer.start();
    small.execute("postgres", "ALTER SYSTEM SET max_connections = 20");
    small.restart();
    app = BuildFixture.compiled("minimal-transactor", shared);
  }

  @AfterAll
  static void stop() {
    app.close();
    small.close();
  }

  Map<String, String> dyno(String name, Database db) throws IOException {
    Map<String, String> env = DynoEnv.of(name, tmp.resolve("cgroup"), DynoEnv.ONE_GB);
    env.put("HEROKU_PRIVATE_IP", "10.0.0.1");
    env.put("DATABASE_URL", db.url());
    if (!db.server().ssl()) {
      env.put("DATOMIC_SQL_SSLMODE", "disable");
    }
    return env;
  }

  /** Opens {@code n} connections as the database's role; close them when done. */
  static List<Connection> hold(Database db, int n) throws SQLException {
    List<Connection> held = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      held.add(db.connect());
    }
    return held;
  }

  static void release(List<Connection> held) {
    for (Connection c : held) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
  }

  @Test
  void aBootWithTooFewConnectionsLeftWarnsNamingTheNumbersAndThePlan() throws Exception {
    Database db = small.newDatabase();
    List<Connection> held = hold(db, 5);
    try (Dyno dyno = Dyno.start(app.build(), "transactor", dyno("transactor.1", db),
        tmp.resolve("d"))) {
      assertTrue(dyno.awaitStarted(90), dyno.output());
      assertTrue(dyno.stdout().contains("postgres  connections: 5 in use of 20 (3 reserved),"
          + " 12 left; this transactor opens about 14 (write-concurrency 4 + read-concurrency 8"
          + " + 2) and DATOMIC_PEER_CONNECTIONS keeps 10 for peers"), dyno.stdout());
      String err = dyno.stderr();
      assertTrue(err.contains(" !     Warning: Postgres has 12 connections left; this transactor"
          + " and its peers need about 24.\n"
          + " !     max_connections 20 less 3 reserved: 5 in use now, 12 left.\n"), err);
      assertTrue(err.contains(" !     Move to a plan with more connections, e.g.: heroku"
          + " addons:upgrade DATABASE heroku-postgresql:essential-2 (40 connections)\n"), err);
      assertFalse(dyno.output().contains(db.password()), dyno.output());
    } finally {
      release(held);
    }
  }

  @Test
  void enoughLeftForASmallerPoolAndNoPeerMarginIsNoWarning() throws Exception {
    Database db = small.newDatabase();
    List<Connection> held = hold(db, 5);
    Map<String, String> env = dyno("transactor.1", db);
    env.put("DATOMIC_WRITE_CONCURRENCY", "2");
    env.put("DATOMIC_READ_CONCURRENCY", "2");
    env.put("DATOMIC_PEER_CONNECTIONS", "0");
    try (Dyno dyno = Dyno.start(app.build(), "transactor", env, tmp.resolve("d"))) {
      assertTrue(dyno.awaitStarted(90), dyno.output());
      assertTrue(dyno.stdout().contains("5 in use of 20 (3 reserved), 12 left; this transactor"
          + " opens about 6 (write-concurrency 2 + read-concurrency 2 + 2) and"
          + " DATOMIC_PEER_CONNECTIONS keeps 0 for peers"), dyno.stdout());
      assertFalse(dyno.stderr().contains("connections left"), dyno.stderr());
    } finally {
      release(held);
    }
  }

  @Test
  void theReleasePhaseJudgesThePlansCapacityNotWhatRunningDynosHold() throws Exception {
    Database db = small.newDatabase();
    List<Connection> held = hold(db, 14); // a running transactor's pool
    Map<String, String> env = dyno("release.1", db);
    env.put("DATOMIC_WRITE_CONCURRENCY", "2");
    env.put("DATOMIC_READ_CONCURRENCY", "2");
    env.put("DATOMIC_PEER_CONNECTIONS", "2");
    try {
      try (Dyno release = Dyno.start(app.build(), "release", env, tmp.resolve("r"))) {
        assertEquals(0, release.awaitExit(90), release.output());
        assertTrue(release.stdout().contains("14 in use of 20 (3 reserved), 3 left"),
            release.stdout());
        assertFalse(release.stderr().contains("Warning: Postgres"), release.stderr());
      }
      // The same numbers at a boot: only 3 left for a pool of 6 and 2 for peers.
      env.put("DYNO", "transactor.1");
      try (Dyno boot = Dyno.start(app.build(), "transactor", env, tmp.resolve("b"))) {
        assertTrue(boot.awaitStarted(90), boot.output());
        assertTrue(boot.stderr().contains("Warning: Postgres has 3 connections left; this"
            + " transactor and its peers need about 8."), boot.stderr());
      }
      env.put("DYNO", "release.1");
      // A plan too small whatever runs: 2 + 8 + 2 for the transactor and 10 for peers = 22 > 17.
      env.remove("DATOMIC_PEER_CONNECTIONS");
      env.put("DATOMIC_READ_CONCURRENCY", "8");
      try (Dyno release = Dyno.start(app.build(), "release", env, tmp.resolve("r2"))) {
        assertEquals(0, release.awaitExit(90), release.output());
        assertTrue(release.stderr().contains(" !     Warning: Postgres allows 17 connections;"
            + " this transactor and its peers need about 22.\n"
            + " !     max_connections 20 less 3 reserved: at most 17 connections, 14 in use now"
            + " (running dynos included).\n"), release.stderr());
      }
    } finally {
      release(held);
    }
  }

  @Test
  void aRolesOwnConnectionLimitIsTheOneThatBinds() throws Exception {
    Database db = small.newDatabase();
    small.execute("postgres", "ALTER ROLE " + PostgresServer.ident(db.user())
        + " CONNECTION LIMIT 8");
    List<Connection> held = hold(db, 2);
    try (Dyno dyno = Dyno.start(app.build(), "transactor", dyno("transactor.1", db),
        tmp.resolve("d"))) {
      assertTrue(dyno.awaitStarted(90), dyno.output());
      assertTrue(dyno.stdout().contains("2 in use of 20 (3 reserved), 6 left under the role "
          + db.user() + "'s CONNECTION LIMIT 8;"), dyno.stdout());
      assertTrue(dyno.stderr().contains("Warning: Postgres has 6 connections left"),
          dyno.stderr());
      assertTrue(dyno.stderr().contains("role " + db.user() + "'s CONNECTION LIMIT 8: 2 in use"
          + " now, 6 left."), dyno.stderr());
    } finally {
      release(held);
    }
  }

  @Test
  void theUpgradePathNamesTheSmallestPlanThatFits() {
    assertEquals("essential-0", ConnectionBudget.upgrade(20).orElseThrow().get("plan"));
    assertEquals("essential-2", ConnectionBudget.upgrade(21).orElseThrow().get("plan"));
    assertEquals("standard-0", ConnectionBudget.upgrade(41).orElseThrow().get("plan"));
    assertEquals("standard-3", ConnectionBudget.upgrade(500).orElseThrow().get("plan"));
    assertTrue(ConnectionBudget.upgrade(501).isEmpty());
  }
}
