package datomic.buildpack.heroku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.local.PostgresServer;
import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.DynoEnv;
import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heroku CI through the real shims: bin/test-compile, then bin/test against a real PostgreSQL
 * that, like Heroku CI's in-dyno database, has no TLS, booting the fake distribution's
 * transactor stand-in from the compiled app.
 */
@Order(1) // one of the longest classes: started first (junit-platform.properties)
class HerokuCiIT {
  private static PostgresServer postgres;

  @TempDir Path tmp;

  @BeforeAll
  static void startPostgresWithoutTls() {
    postgres = PostgresServer.startWithoutSsl();
    assertFalse(postgres.ssl());
  }

  @AfterAll
  static void stopPostgres() {
    postgres.close();
  }

  /** A compiled app, as bin/test-compile leaves it. */
  private BuildFixture testCompiled(String name) {
    BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve(name)).withDistribution();
    Run.Result r = Run.of(Repo.bin("test-compile"), app.build().toString(),
        app.cache().toString(), app.env().toString()).go();
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stdout().contains("Datomic Pro " + BuildFixture.VERSION + " is ready"),
        r.stdout());
    return app;
  }

  /** bin/test as Heroku CI runs it: CI=true, the in-dyno database's URL, a 1 GB dyno. */
  private Run.Result test(BuildFixture app, Map<String, String> vars) throws IOException {
    return test(app, vars, true);
  }

  private Run.Result test(BuildFixture app, Map<String, String> vars, boolean envDir)
      throws IOException {
    Path cgroup = DynoEnv.cgroup(tmp.resolve("cgroup"), DynoEnv.ONE_GB);
    Map<String, String> env = new TreeMap<>(Map.of("CI", "true",
        "DATOMIC_BUILDPACK_CGROUP_ROOT", cgroup.toString(),
        "STUB_TRANSACTOR_RECORD", tmp.resolve("record").toString(),
        "DATOMIC_BUILDPACK_BACKOFF_MS", "50"));
    env.putAll(vars);
    Run run = envDir ? Run.of(Repo.bin("test"), app.build().toString(), app.env().toString())
        : Run.of(Repo.bin("test"), app.build().toString());
    env.forEach((name, value) -> {
      if (value.isEmpty()) {
        run.unset(name); // as in a machine's environment that lacks it
      } else {
        run.env(name, value);
      }
    });
    return run.timeout(240).go();
  }

  private void assertTransactorStopped() throws IOException {
    String pid = Files.readAllLines(tmp.resolve("record.args")).stream()
        .filter(l -> l.startsWith("PID=")).findFirst().orElseThrow().substring(4);
    assertFalse(ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false),
        "the transactor was stopped");
  }

  @Test
  void aCiRunPreparesTheInDynoDatabaseBootsTheTransactorAndPasses() throws IOException {
    PostgresServer.Database db = postgres.newDatabase();
    try (BuildFixture app = testCompiled("a")) {
      Run.Result r = test(app, Map.of("DATABASE_URL", db.url()));
      assertEquals(0, r.exitCode(), r.toString());
      String out = r.stdout();
      assertTrue(out.contains("\n1..3\n"), out);
      assertTrue(out.contains("\nok 1 - config vars: every DATOMIC_* config var is valid\n"), out);
      assertTrue(out.contains("\nok 2 - database: created table datomic_kvs in schema public"
          + " (sslmode=prefer)\n"), out);
      assertTrue(out.contains("\nok 3 - transactor boot: System started after "), out);
      assertTrue(out.contains("; stopped with SIGTERM\n"), out);
      assertTrue(out.contains("       | System started"), "the transactor's own output: " + out);
      assertTrue(out.contains("       | Transactor stopping on SIGTERM"),
          "stopped with SIGTERM, its last words kept: " + out);
      assertTrue(out.contains("-----> Datomic CI: all 3 checks passed"), out);
      assertFalse(r.all().contains(db.password()), "no password in the CI log");
      assertEquals(List.of(List.of("1")), db.query("SELECT count(*) FROM information_schema.tables"
          + " WHERE table_name = 'datomic_kvs'"));
      assertTrue(Files.readString(tmp.resolve("record")).contains("sslmode=prefer"),
          "the transactor got the CI's sslmode too");
      assertTransactorStopped();
    }
  }

  /**
   * ENV_DIR is optional (bin/test's usage, the command's): Heroku CI has the config vars in the
   * environment already. Without it the check runs on them, and is not refused with bin/compile's
   * usage line.
   */
  @Test
  void withoutAnEnvDirTheConfigVarsComeFromTheEnvironment() throws IOException {
    PostgresServer.Database db = postgres.newDatabase();
    try (BuildFixture app = testCompiled("a")) {
      Run.Result r = test(app, Map.of("DATABASE_URL", db.url()), false);
      assertEquals(0, r.exitCode(), r.toString());
      assertTrue(r.stdout().contains("\nok 2 - database: created table datomic_kvs"), r.stdout());
      assertTrue(r.stdout().contains("-----> Datomic CI: all 3 checks passed"), r.stdout());
      assertFalse(r.all().contains("bin/compile"), r.toString());
      assertTransactorStopped();
    }
  }

  /** A bad boot-timeout switch is refused by its name, before anything runs. */
  @Test
  void aBadBootTimeoutSwitchIsAClearError() throws IOException {
    try (BuildFixture app = testCompiled("a")) {
      for (String bad : new String[] {"abc", "0", "-5"}) {
        Run.Result r = test(app, Map.of("DATOMIC_BUILDPACK_CI_BOOT_TIMEOUT", bad));
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains(" !     Error: DATOMIC_BUILDPACK_CI_BOOT_TIMEOUT=" + bad
            + " is not a number of seconds (1 or more)."), r.toString());
        assertFalse(r.all().contains("--boot-timeout"), r.toString());
        assertFalse(r.stdout().contains("ok 1"), r.toString());
      }
    }
  }

  @Test
  void outsideCiOrWithAnExplicitSslmodeAServerWithoutTlsIsRefused() throws IOException {
    PostgresServer.Database db = postgres.newDatabase();
    try (BuildFixture app = testCompiled("a")) {
      // Not under Heroku CI: Heroku Postgres needs TLS, so require stays the default.
      Run.Result plain = test(app, Map.of("CI", "", "DATABASE_URL", db.url()));
      assertEquals(1, plain.exitCode(), plain.toString());
      assertTrue(plain.stdout().contains("\nnot ok 2 - database: Postgres at "), plain.stdout());
      assertTrue(plain.stderr().contains("does not accept SSL, but sslmode is require"),
          plain.stderr());

      // Under CI an explicit DATOMIC_SQL_SSLMODE still wins.
      Run.Result explicit = test(app, Map.of("DATABASE_URL", db.url(),
          "DATOMIC_SQL_SSLMODE", "require"));
      assertEquals(1, explicit.exitCode(), explicit.toString());
      assertTrue(explicit.stdout().contains("\nnot ok 2 - database"), explicit.stdout());

      // Under CI the URL's own sslmode is used.
      Run.Result fromUrl = test(app, Map.of("DATABASE_URL", db.url("sslmode=disable")));
      assertEquals(0, fromUrl.exitCode(), fromUrl.toString());
      assertTrue(fromUrl.stdout().contains("(sslmode=disable)"), fromUrl.stdout());
    }
  }

  @Test
  void aTransactorThatFailsOrHangsGivesAFailingVerdict() throws IOException {
    PostgresServer.Database db = postgres.newDatabase();
    try (BuildFixture app = testCompiled("a")) {
      Run.Result failing = test(app, Map.of("DATABASE_URL", db.url(),
          "STUB_TRANSACTOR_FAIL", "license expired"));
      assertEquals(1, failing.exitCode(), failing.toString());
      assertTrue(failing.stdout().contains("\nok 2 - database"), failing.stdout());
      assertTrue(failing.stdout().contains("\nnot ok 3 - transactor boot: The transactor exited"
          + " (status 1) before it printed System started."), failing.stdout());
      assertTrue(failing.stdout().contains("| Critical failure, cannot continue: license expired"),
          failing.stdout());
      assertTrue(failing.stderr().contains(" !     Error: Datomic CI: 1 of 3 checks failed:"
          + " transactor boot"), failing.stderr());

      Run.Result hanging = test(app, Map.of("DATABASE_URL", db.url(),
          "STUB_TRANSACTOR_HANG", "1", "DATOMIC_BUILDPACK_CI_BOOT_TIMEOUT", "20"));
      assertEquals(1, hanging.exitCode(), hanging.toString());
      assertTrue(hanging.stdout().contains("| Launching with Java options"),
          "the stand-in got as far as it goes: " + hanging.stdout());
      assertTrue(hanging.stdout().contains("\nnot ok 3 - transactor boot: The transactor did not"
          + " print System started within 20 s."), hanging.stdout());
      assertTransactorStopped();
    }
  }

  @Test
  void anInvalidConfigVarFailsFirstAndNothingElseRuns() throws IOException {
    try (BuildFixture app = testCompiled("a")) {
      Run.Result r = test(app, Map.of("DATOMIC_PORT", "forty"));
      assertEquals(1, r.exitCode(), r.toString());
      assertTrue(r.stdout().contains("\nnot ok 1 - config vars: A config var has an invalid"
          + " value.\n"), r.stdout());
      assertTrue(r.stdout().contains("\nnot ok 3 - transactor boot: not run"), r.stdout());
      assertTrue(r.stderr().contains("DATOMIC_PORT=forty"), r.stderr());
      assertFalse(Files.exists(tmp.resolve("record")), "no transactor was started");
    }
    Path bare = tmp.resolve("bare");
    BuildFixture.copyTree(Repo.app("minimal-transactor"), bare);
    Run.Result notCompiled = Run.of(Repo.bin("test"), bare.toString()).go();
    assertEquals(1, notCompiled.exitCode(), notCompiled.toString());
    assertTrue(notCompiled.stderr().contains("This app is not compiled"), notCompiled.stderr());
  }
}
