package datomic.buildpack.dyno.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.heroku.Procfile;
import datomic.buildpack.local.FakeDistribution;
import datomic.buildpack.local.PostgresServer.Database;
import datomic.buildpack.local.PostgresServer;
import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Dyno;
import datomic.buildpack.testsupport.Record;
import datomic.buildpack.testsupport.Repo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code console} process of a compiled app, run as Heroku runs it, against a real
 * PostgreSQL, with the fake distribution's bin/console recording what it was given.
 */
class ConsoleIT {
  static final PostgresServer PG = PostgresServer.shared();
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

  Map<String, String> dyno(Database db) throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("DYNO", "console.1");
    env.put("TMPDIR", Files.createDirectories(tmp.resolve("dyno-tmp")).toString());
    env.put("STUB_CONSOLE_RECORD", tmp.resolve("console.record").toString());
    if (db != null) {
      env.put("DATABASE_URL", db.url());
      if (!PG.ssl()) {
        env.put("DATOMIC_SQL_SSLMODE", "disable");
      }
    }
    return env;
  }

  static boolean awaitLine(Dyno dyno, String text, long seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (dyno.stdout().contains(text)) {
        return true;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  Map<String, List<String>> record() {
    return Record.read(tmp.resolve("console.record"));
  }

  @Test
  void theConsoleRunsAgainstTheAppsStorageWithThePasswordInAPrivateFileOnly() throws Exception {
    Database db = PG.newDatabase();
    try (Dyno dyno = Dyno.start(app.build(), Procfile.CONSOLE, dyno(db), tmp.resolve("d"))) {
      assertTrue(awaitLine(dyno, "Console started on port: 8080", 90), dyno.output());
      Map<String, List<String>> r = record();
      String sslmode = PG.ssl() ? "require" : "disable";
      String uri = "datomic:sql://?jdbc:postgresql://127.0.0.1:" + PG.port() + "/" + db.name()
          + "?user=" + db.user() + "&sslmode=" + sslmode
          + "&connectTimeout=10&loginTimeout=10&socketTimeout=60";
      assertEquals(List.of("-p", "8080", "heroku", uri), r.get("ARG"));
      assertEquals(Long.toString(dyno.pid()), r.get("PID").get(0),
          "bin/console replaced the launcher (exec): no JVM of ours beside it");

      Path pgpass = Path.of(r.get("ENV_PGPASSFILE").get(0));
      assertEquals(List.of("600"), r.get("PGPASSFILE_MODE"));
      assertEquals("127.0.0.1:" + PG.port() + ":" + db.name() + ":" + db.user() + ":"
          + db.password() + "\n", Files.readString(pgpass));
      assertTrue(pgpass.startsWith(tmp.resolve("dyno-tmp")), pgpass.toString());

      String cmdline = new String(Files.readAllBytes(Path.of("/proc/" + dyno.pid() + "/cmdline")),
          StandardCharsets.UTF_8);
      assertTrue(cmdline.contains(uri), cmdline);
      assertFalse(cmdline.contains(db.password()), "password in the process list: " + cmdline);
      assertFalse(dyno.output().contains(db.password()), dyno.output());

      String out = dyno.stdout();
      assertTrue(out.contains("heroku ps:forward 8080 --dyno console.1, then open"
          + " http://localhost:8080/browse"), out);
      assertTrue(out.contains("Stop it when done: heroku ps:scale console=0"), out);
      assertTrue(out.contains("read from PGPASSFILE, in no URI or process argument"), out);
      assertEquals(0, dyno.stop());
    }
  }

  @Test
  void theConsolePortIsAConfigVar() throws Exception {
    Map<String, String> env = dyno(PG.newDatabase());
    env.put("DATOMIC_CONSOLE_PORT", "9090");
    try (Dyno dyno = Dyno.start(app.build(), Procfile.CONSOLE, env, tmp.resolve("d"))) {
      assertTrue(awaitLine(dyno, "Console started on port: 9090", 90), dyno.output());
      assertEquals("9090", record().get("ARG").get(1));
      assertTrue(dyno.stdout().contains("heroku ps:forward 9090 --dyno console.1"),
          dyno.stdout());
    }
  }

  @Test
  void aWebDynoIsRefusedTheConsole() throws Exception {
    Map<String, String> env = dyno(PG.newDatabase());
    env.put("DYNO", "web.1");
    env.put("PORT", "5000");
    try (Dyno dyno = Dyno.command(app.build(), Procfile.CONSOLE_COMMAND, env, tmp.resolve("d"))) {
      assertNotEquals(0, dyno.awaitExit(90), dyno.output());
      assertTrue(dyno.stderr().contains(" !     Error: The Datomic Console must not run as a web"
          + " process."), dyno.stderr());
      assertFalse(Files.exists(tmp.resolve("console.record")), "bin/console never ran");
    }
  }

  @Test
  void underHerokuLocalPortAloneIsNoWebDyno() throws Exception {
    // heroku local and foreman set PORT for every process and no DYNO.
    Map<String, String> env = dyno(PG.newDatabase());
    env.remove("DYNO");
    env.put("PORT", "5000");
    try (Dyno dyno = Dyno.command(app.build(), Procfile.CONSOLE_COMMAND, env, tmp.resolve("d"))) {
      assertTrue(awaitLine(dyno, "Console started on port: 8080", 90), dyno.output());
    }
    // On Heroku only a routed (web) dyno has PORT: any other dyno with it is refused too.
    env.put("DYNO", "console.1");
    try (Dyno dyno = Dyno.command(app.build(), Procfile.CONSOLE_COMMAND, env, tmp.resolve("e"))) {
      assertNotEquals(0, dyno.awaitExit(90), dyno.output());
      assertTrue(dyno.stderr().contains("must not run as a web process"), dyno.stderr());
    }
  }

  @Test
  void withoutPostgresThereIsNothingForTheConsoleToShow() throws Exception {
    try (Dyno dyno = Dyno.start(app.build(), Procfile.CONSOLE, dyno(null), tmp.resolve("d"))) {
      assertNotEquals(0, dyno.awaitExit(90), dyno.output());
      assertTrue(dyno.stderr().contains("Error: The Datomic Console needs the app's Postgres"
          + " storage."), dyno.stderr());
      assertTrue(dyno.stderr().contains("No database URL (DATABASE_URL) is set"), dyno.stderr());
    }
  }

  @Test
  void aDriverThatCannotReadPgpassRefusesRatherThanLogThePassword() throws Exception {
    try (BuildFixture old = BuildFixture.of("minimal-transactor", tmp.resolve("old"))
        .withDistribution(FakeDistribution.from(Repo.distSources()).version(BuildFixture.VERSION)
            .pgjdbc("9.3-1102-jdbc41"), "pro")) {
      old.compileOk();
      Database db = PG.newDatabase();
      try (Dyno dyno = Dyno.start(old.build(), Procfile.CONSOLE, dyno(db), tmp.resolve("d"))) {
        assertNotEquals(0, dyno.awaitExit(90), dyno.output());
        assertTrue(dyno.stderr().contains("Error: The Console would print the storage password"
            + " in the log."), dyno.stderr());
        assertTrue(dyno.stderr().contains("lib/postgresql-9.3-1102-jdbc41.jar"), dyno.stderr());
        assertFalse(dyno.output().contains(db.password()), dyno.output());
        assertFalse(Files.exists(tmp.resolve("console.record")), "bin/console never ran");
      }
    }
  }

  @Test
  void theBuildWritesAConsoleProcessAndReleaseOffersItByDefault() throws IOException {
    assertEquals(Procfile.CONSOLE_COMMAND,
        Procfile.read(app.build()).processes().get("console"));
    String yaml = app.release().stdout();
    assertTrue(yaml.contains("  console: " + Procfile.CONSOLE_COMMAND + "\n"), yaml);
    assertFalse(yaml.contains("web:"), yaml);
  }
}
