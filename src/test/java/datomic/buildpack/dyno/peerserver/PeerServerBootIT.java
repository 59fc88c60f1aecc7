package datomic.buildpack.dyno.peerserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.files.Trees;
import datomic.buildpack.heroku.Procfile;
import datomic.buildpack.local.PostgresServer.Database;
import datomic.buildpack.local.PostgresServer;
import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Dyno;
import datomic.buildpack.testsupport.DynoEnv;
import datomic.buildpack.testsupport.EdnData;
import datomic.buildpack.testsupport.Run;
import datomic.buildpack.testsupport.SilentPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A {@code peer-server} dyno's boot, end to end: the compiled fixture app's emitted Procfile
 * line runs as Heroku would run it, against a real PostgreSQL, and the distribution's {@code
 * bin/run} is a recording stand-in (arguments, environment, the plan file it is handed).
 */
@Order(1) // one of the longest classes: started first (junit-platform.properties)
class PeerServerBootIT {
  static final PostgresServer PG = PostgresServer.shared();
  static final long GB = 1024L * 1024 * 1024;
  static final String KEY = "ak-5e1f";
  static final String SECRET = "sk-9a7c-3b1d-secret";
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

  /** Config vars of a peer-server dyno in a Private Space with {@code bytes} of memory. */
  Map<String, String> dyno(long bytes, Database db) throws IOException {
    Map<String, String> env = DynoEnv.of("peer-server.1", tmp.resolve("cgroup-" + bytes), bytes);
    env.put("HEROKU_PRIVATE_IP", "10.0.0.7");
    if (db != null) {
      env.put("DATABASE_URL", db.url());
    }
    env.put("DATOMIC_PEER_SERVER_DATABASES", "orders,inventory");
    env.put("DATOMIC_PEER_SERVER_ACCESS_KEY", KEY);
    env.put("DATOMIC_PEER_SERVER_SECRET", SECRET);
    return env;
  }

  Dyno start(Path appDir, Map<String, String> env) {
    return Dyno.start(appDir, "peer-server", env, tmp.resolve("dynos"));
  }

  Dyno started(Map<String, String> env) {
    Dyno dyno = start(app.build(), env);
    assertTrue(dyno.awaitLine("Serving inventory", 90), dyno.output());
    return dyno;
  }

  static List<Object> peerServerArgs(Dyno dyno) {
    return EdnData.list(EdnData.map(dyno.runPlan()), "peer-server-args");
  }

  /** What `datomic-buildpack peer-uri NAME --without-password` prints for this database. */
  String peerUri(Database db, String name) {
    Run.Result r = Run.of(".datomic/bin/datomic-buildpack", "peer-uri", name,
        "--without-password").in(app.build()).env("DATABASE_URL", db.url()).go();
    assertEquals(0, r.exitCode(), r.toString());
    return r.stdout().strip();
  }

  @Test
  void theEmittedProcfileRunsThePeerServer() throws IOException {
    assertEquals(Procfile.PEER_SERVER_COMMAND,
        Procfile.read(app.build()).processes().get("peer-server"));
    assertTrue(Files.isRegularFile(
        app.build().resolve(".datomic/clj/datomic_buildpack/peer_server.clj")));
  }

  @Test
  void execsBinRunWithTheShippedMainAndThePeerServersArgumentsInAPrivateFile()
      throws IOException {
    Database db = PG.newDatabase();
    try (Dyno dyno = started(dyno(GB, db))) {
      Map<String, List<String>> run = dyno.runRecord();
      Path runtime = Path.of(run.get("ARG").get(run.get("ARG").size() - 1)).getParent();
      assertEquals(List.of("-Xmx768m", "-Xms768m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=50",
          "-Ddatomic.printConnectionInfo=false",
          "-Dlogback.configurationFile=" + app.build().resolve(".datomic/logback.xml"),
          "-m", "datomic-buildpack.peer-server", runtime.resolve("peer-server.edn").toString()),
          run.get("ARG"), "bin/run's arguments, one by one");
      assertEquals(List.of(Long.toString(dyno.pid())), run.get("PID"),
          "bin/run replaced the launcher (exec): no JVM of ours stays resident");
      assertTrue(runtime.getFileName().toString().startsWith("datomic-peer-server.1-"),
          runtime.toString());
      assertEquals("600", run.get("PLAN_MODE").get(0), "the plan is readable by its owner only");

      assertEquals(List.of("-h", "10.0.0.7", "-p", "8998",
          "-a", KEY + "," + SECRET,
          "-d", "orders," + peerUri(db, "orders"),
          "-d", "inventory," + peerUri(db, "inventory")), peerServerArgs(dyno),
          "the peer server's arguments, one by one; URIs as peer-uri prints them");
      assertFalse(peerUri(db, "orders").contains("password"));

      assertEquals(List.of(runtime.resolve("pgpass").toString()), run.get("ENV_PGPASSFILE"));
      assertEquals("600", run.get("PGPASSFILE_MODE").get(0));
      assertEquals("127.0.0.1:" + PG.port() + ":" + db.name() + ":" + db.user() + ":"
          + db.password() + "\n", Files.readString(runtime.resolve("pgpass")));
      assertEquals(app.build().resolve(".datomic/clj").toString(),
          run.get("ENV_DATOMIC_EXT_CLASSPATH").get(0));
      assertEquals(List.of(""), run.get("ENV_XMX"), "bin/run's own heap variable is cleared");

      // Nothing secret in the process list: the running bin/run's command line, read from /proc.
      String cmdline = Files.readString(Path.of("/proc/" + dyno.pid() + "/cmdline"))
          .replace('\0', ' ');
      assertTrue(cmdline.contains("datomic-buildpack.peer-server"), cmdline);
      for (String secret : List.of(SECRET, db.password(), "datomic:sql://", KEY + ",")) {
        assertFalse(cmdline.contains(secret), secret + " in ps: " + cmdline);
        assertFalse(String.join(" ", run.get("ARG")).contains(secret), secret);
        assertFalse(dyno.output().contains(SECRET), "secret in the log:\n" + dyno.output());
      }
      assertFalse(dyno.output().contains(db.password()), dyno.output());

      String out = dyno.stdout();
      assertTrue(out.contains("peer server on peer-server.1"), out);
      assertTrue(out.contains("10.0.0.7:8998  (host from HEROKU_PRIVATE_IP, port default)"), out);
      assertTrue(out.contains("database orders"), out);
      assertTrue(out.contains(KEY + " / ********  (config vars DATOMIC_PEER_SERVER_ACCESS_KEY"),
          out);
      assertTrue(out.contains("-Xmx768m -Xms768m  (derived from 1024 MB (cgroup v2"), out);
      assertTrue(out.contains("read from PGPASSFILE"), out);
      assertTrue(out.contains("lib/postgresql-42.5.1.jar reads it"), out);
      assertEquals(0, dyno.stop());
    }
  }

  @Test
  void metricsAndTheAppsMemcachedReachThePeerServerAsSystemPropertiesOutOfTheProcessList()
      throws IOException {
    Database db = PG.newDatabase();
    String cachePassword = "mc-" + PostgresServer.randomToken();
    Map<String, String> env = dyno(GB, db);
    env.put("MEMCACHIER_SERVERS", "mc1.example.net,mc2.example.net:11212");
    env.put("MEMCACHIER_USERNAME", "mcuser");
    env.put("MEMCACHIER_PASSWORD", cachePassword);
    try (Dyno dyno = started(env)) {
      Object props = EdnData.get(EdnData.map(dyno.runPlan()), "system-properties");
      assertEquals(Map.of("datomic.metricsCallback", "datomic-buildpack.metrics/handler",
          "datomic.memcachedServers", "mc1.example.net:11211,mc2.example.net:11212",
          "datomic.memcachedUsername", "mcuser",
          "datomic.memcachedPassword", cachePassword), props, "set by the main, from the plan");
      String cmdline = Files.readString(Path.of("/proc/" + dyno.pid() + "/cmdline"));
      assertFalse(cmdline.contains(cachePassword), cmdline);
      assertFalse(dyno.output().contains(cachePassword), dyno.output());
      assertTrue(dyno.stdout().contains("-Ddatomic.memcachedServers"), dyno.stdout());
      assertEquals(0, dyno.stop());
    }
    env.put("DATOMIC_METRICS", "off");
    env.remove("MEMCACHIER_SERVERS");
    try (Dyno dyno = started(env)) {
      assertEquals(Map.of(), EdnData.get(EdnData.map(dyno.runPlan()), "system-properties"),
          "DATOMIC_METRICS=off and no memcached: nothing to set");
      assertEquals(0, dyno.stop());
    }
  }

  @Test
  void aPreviousKeyIsASecondPairSoKeysRotateWithoutDowntime() throws IOException {
    Map<String, String> env = dyno(GB, PG.newDatabase());
    env.put("DATOMIC_PEER_SERVER_PREVIOUS_ACCESS_KEY", "ak-old");
    env.put("DATOMIC_PEER_SERVER_PREVIOUS_SECRET", "sk-old-0000-0123456789");
    try (Dyno dyno = started(env)) {
      List<Object> args = peerServerArgs(dyno);
      assertEquals(List.of("-a", KEY + "," + SECRET, "-a", "ak-old,sk-old-0000-0123456789"),
          args.subList(4, 8), args.toString());
      assertTrue(dyno.stdout().contains("previous access key      ak-old / ********"),
          dyno.stdout());
      assertFalse(dyno.output().contains("sk-old-0000"), dyno.output());
    }
  }

  @Test
  void hostPortAndConcurrencyOverridesArePassedAsGiven() throws IOException {
    Map<String, String> env = dyno(GB, PG.newDatabase());
    env.put("DATOMIC_PEER_SERVER_HOST", "0.0.0.0");
    env.put("DATOMIC_PEER_SERVER_PORT", "9443");
    env.put("DATOMIC_PEER_SERVER_CONCURRENCY", "32");
    try (Dyno dyno = started(env)) {
      assertEquals(List.of("-h", "0.0.0.0", "-p", "9443", "-c", "32"),
          peerServerArgs(dyno).subList(0, 6));
      assertTrue(dyno.stdout().contains(
          "0.0.0.0:9443  (host from config var DATOMIC_PEER_SERVER_HOST, port config var"
              + " DATOMIC_PEER_SERVER_PORT)"), dyno.stdout());
    }
  }

  @ParameterizedTest(name = "{0} MB dyno, DATOMIC_PEER_SERVER_XMX={1}")
  @CsvSource({
    "512,   '',  256m",
    "2560,  '', 1920m",
    "14336, '', 10752m",
    "4096,  2g,  2g",
  })
  void heapFromTheDynoOrTheConfigVar(long dynoMb, String xmx, String heap) throws IOException {
    Map<String, String> env = dyno(dynoMb << 20, PG.newDatabase());
    if (!xmx.isEmpty()) {
      env.put("DATOMIC_PEER_SERVER_XMX", xmx);
    }
    try (Dyno dyno = started(env)) {
      List<String> args = dyno.runRecord().get("ARG");
      assertEquals(List.of("-Xmx" + heap, "-Xms" + heap), args.subList(0, 2));
      assertEquals(dynoMb < 1024, dyno.stderr().contains("a peer server needs at least 1 GB"),
          dyno.stderr());
    }
  }

  /** Boots with {@code env}; expects a refusal before bin/run, with these words. */
  /** The process is refused with each of {@code expected} on stderr; returns its stderr. */
  String refused(Map<String, String> env, String... expected) {
    try (Dyno dyno = start(app.build(), env)) {
      assertNotEquals(0, dyno.awaitExit(60), dyno.output());
      assertTrue(dyno.stderr().contains(" !     Error: "), dyno.stderr());
      for (String text : expected) {
        assertTrue(dyno.stderr().contains(text), "'" + text + "' in:\n" + dyno.stderr());
      }
      assertNull(dyno.runRecord().get("ARG"), "bin/run was not started");
      assertFalse(dyno.output().contains(SECRET), dyno.output());
      return dyno.stderr();
    }
  }

  @Test
  void refusesAMissingKeyOrSecretSayingHowToMakeOne() throws IOException {
    Map<String, String> noKey = dyno(GB, PG.newDatabase());
    noKey.remove("DATOMIC_PEER_SERVER_ACCESS_KEY");
    refused(noKey, "DATOMIC_PEER_SERVER_ACCESS_KEY is not set",
        "heroku config:set DATOMIC_PEER_SERVER_ACCESS_KEY=$(openssl rand -hex 16)");
    Map<String, String> noSecret = dyno(GB, PG.newDatabase());
    noSecret.remove("DATOMIC_PEER_SERVER_SECRET");
    refused(noSecret, "DATOMIC_PEER_SERVER_SECRET is not set",
        "heroku config:set DATOMIC_PEER_SERVER_SECRET=$(openssl rand -hex 32)");
    Map<String, String> halfPrevious = dyno(GB, PG.newDatabase());
    halfPrevious.put("DATOMIC_PEER_SERVER_PREVIOUS_ACCESS_KEY", "ak-old");
    refused(halfPrevious, "DATOMIC_PEER_SERVER_PREVIOUS_SECRET is not set, but"
        + " DATOMIC_PEER_SERVER_PREVIOUS_ACCESS_KEY is.");
  }

  /**
   * A secret too short to be one is refused, saying how to make a good one, and never shown:
   * it would be guessable, and too short to mask wherever Datomic might print it.
   */
  @ParameterizedTest
  @CsvSource({
    "DATOMIC_PEER_SERVER_SECRET, datomic",
    "DATOMIC_PEER_SERVER_SECRET, 8",
    "DATOMIC_PEER_SERVER_SECRET, 0123456789abcde",
    "DATOMIC_PEER_SERVER_PREVIOUS_SECRET, sk-old",
  })
  void refusesASecretTooShortToBeOne(String var, String value) throws IOException {
    Map<String, String> env = dyno(GB, PG.newDatabase());
    env.put("DATOMIC_PEER_SERVER_PREVIOUS_ACCESS_KEY", "ak-old");
    env.put("DATOMIC_PEER_SERVER_PREVIOUS_SECRET", "sk-old-0123456789abcdef");
    env.put(var, value);
    refused(env, " !     Error: " + var + " is too short to be a secret (fewer than 16"
        + " characters).", "heroku config:set " + var + "=$(openssl rand -hex 24)");
  }

  /** One host rule for every process (config.HostName): no option, no IP that is not one. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "DATOMIC_PEER_SERVER_HOST | -d          | DATOMIC_PEER_SERVER_HOST=-d: it starts with '-' (a program given it would read an option)",
    "HEROKU_PRIVATE_IP        | -d          | HEROKU_PRIVATE_IP is not usable as this dyno's address: it starts with '-'",
    "HEROKU_PRIVATE_IP        | 10.0.0.7 -d | HEROKU_PRIVATE_IP is not usable as this dyno's address",
    "HEROKU_PRIVATE_IP        | 10.0.0.300  | HEROKU_PRIVATE_IP is not usable as this dyno's address",
  })
  void refusesAnAddressThatIsNotOne(String var, String value, String message) throws IOException {
    Map<String, String> env = dyno(GB, PG.newDatabase());
    env.put(var, value);
    refused(env, message);
  }

  @ParameterizedTest
  @CsvSource({
    "DATOMIC_PEER_SERVER_ACCESS_KEY, 'ak,1'",
    "DATOMIC_PEER_SERVER_SECRET, 'sk-with,comma-9a7c'",
    "DATOMIC_PEER_SERVER_PREVIOUS_SECRET, 'old,secret-77'",
  })
  void refusesACommaInAKeyOrSecretWithoutShowingIt(String var, String value) throws IOException {
    Map<String, String> env = dyno(GB, PG.newDatabase());
    env.put("DATOMIC_PEER_SERVER_PREVIOUS_ACCESS_KEY", "ak-old");
    env.put("DATOMIC_PEER_SERVER_PREVIOUS_SECRET", "sk-old-0123456789abcdef");
    env.put(var, value);
    try (Dyno dyno = start(app.build(), env)) {
      assertNotEquals(0, dyno.awaitExit(60), dyno.output());
      assertTrue(dyno.stderr().contains(var + " contains a comma."), dyno.stderr());
      assertTrue(dyno.stderr().contains("openssl rand"), dyno.stderr());
      assertFalse(dyno.output().contains(value), dyno.output());
      assertNull(dyno.runRecord().get("ARG"));
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "my_db            | DATOMIC_PEER_SERVER_DATABASES=my_db: database name 'my_db': only letters, digits and `-` may be used.",
    "orders,,x        | DATOMIC_PEER_SERVER_DATABASES=orders,,x: item 2 of 3 is empty (two ',' in a row).",
    "a b,c.d          | DATOMIC_PEER_SERVER_DATABASES=a b,c.d: database name 'a b': only letters",
    "orders,orders    | names orders more than once.",
  })
  void refusesBadDatabaseNames(String names, String message) throws IOException {
    Map<String, String> env = dyno(GB, PG.newDatabase());
    env.put("DATOMIC_PEER_SERVER_DATABASES", names);
    refused(env, message);
  }

  @Test
  void refusesNoDatabasesToServe() throws IOException {
    Map<String, String> env = dyno(GB, PG.newDatabase());
    env.remove("DATOMIC_PEER_SERVER_DATABASES");
    refused(env, "DATOMIC_PEER_SERVER_DATABASES is not set",
        "heroku config:set DATOMIC_PEER_SERVER_DATABASES=my-db");
  }

  /**
   * Datomic connects to storage itself here: a URL without a password is said in our words
   * before the driver's ("no password was provided by plugin null") can be all a user reads.
   */
  @Test
  void aDatabaseUrlWithoutAPasswordIsSaidInOurWordsAtBoot() throws IOException {
    Database db = PG.newDatabase();
    Map<String, String> env = dyno(GB, db);
    env.put("DATABASE_URL", "postgres://" + db.user() + "@127.0.0.1:" + PG.port() + "/"
        + db.name());
    // The warning at once, then the refusal once Postgres asks for the password (before Datomic
    // starts), in our words, never the driver's.
    refused(env, " !     Warning: DATABASE_URL has no password (postgres://" + db.user()
            + "@127.0.0.1:" + PG.port() + "/" + db.name() + ").",
        "Heroku Postgres always puts one in its URL", "heroku pg:credentials:url",
        " !     Error: DATABASE_URL has no password, but Postgres at 127.0.0.1:" + PG.port());
    env.remove("DYNO"); // heroku local: a local PostgreSQL may trust the user
    env.remove("HEROKU_PRIVATE_IP");
    String local = refused(env, "Unless this PostgreSQL lets " + db.user()
        + " in without one (trust), it refuses Datomic's connection.", "in .env");
    assertFalse(local.contains("heroku pg:"), local);
    assertFalse(local.contains("provided by plugin"), local);
  }

  @Test
  void refusesToRunWithoutPostgres() throws IOException {
    refused(dyno(GB, null), "The peer server needs the app's Postgres storage.",
        "No database URL (DATABASE_URL) is set", "a process on another dyno cannot share",
        "heroku addons:attach <transactor-app>::DATABASE");
  }

  @Test
  void refusesAHeapLargerThanTheDyno() throws IOException {
    Map<String, String> env = dyno(GB, PG.newDatabase());
    env.put("DATOMIC_PEER_SERVER_XMX", "2g");
    refused(env, "The peer server heap (2g, from config var DATOMIC_PEER_SERVER_XMX) does not"
        + " fit this dyno's 1024 MB",
        "The largest heap that fits this dyno is 768m: heroku config:set"
            + " DATOMIC_PEER_SERVER_XMX=768m.",
        "For a 2g heap, use a dyno of at least 2304 MB: heroku ps:type peer-server=private-m"
            + " (2.5 GB; shield-m in a Shield space)");
  }

  /**
   * Datomic's peer server prints "Serving URI as NAME" for every database it serves: with a
   * driver too old for pgpass files the URI holds the password, so it would reach the log.
   */
  @Test
  void withAnOldDriverThePeerServerRefusesRatherThanPrintThePassword() throws IOException {
    Path old = tmp.resolve("old-driver/build");
    Trees.copy(app.build(), old);
    Path lib = old.resolve(".datomic/dist/lib");
    Files.move(lib.resolve("postgresql-42.5.1.jar"), lib.resolve("postgresql-9.3-1102-jdbc41.jar"));
    Database db = PG.newDatabase();
    try (Dyno dyno = start(old, dyno(GB, db))) {
      assertNotEquals(0, dyno.awaitExit(60), dyno.output());
      assertTrue(dyno.stderr().contains(
          " !     Error: The peer server would print the storage password in the log."),
          dyno.stderr());
      assertTrue(dyno.stderr().contains("lib/postgresql-9.3-1102-jdbc41.jar"), dyno.stderr());
      assertTrue(dyno.stderr().contains("DATOMIC_VERSION"), dyno.stderr());
      assertNull(dyno.runRecord().get("ARG"), "bin/run was not started");
      assertFalse(dyno.output().contains(db.password()), dyno.output());
    }
  }

  /** The release phase says so first: the peer server would refuse at its restart. */
  @Test
  void withAnOldDriverTheReleasePhaseRefusesThePeerServersSettings() throws IOException {
    Path old = tmp.resolve("old-driver-release/build");
    Trees.copy(app.build(), old);
    Path lib = old.resolve(".datomic/dist/lib");
    Files.move(lib.resolve("postgresql-42.5.1.jar"), lib.resolve("postgresql-9.3-1102-jdbc41.jar"));
    Database db = PG.newDatabase();
    Map<String, String> env = dyno(GB, db);
    env.put("DYNO", "release.1");
    Run.Result r = Run.of(".datomic/bin/datomic-buildpack", "release-phase").in(old).env(env)
        .go();
    assertNotEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stderr().contains(
        " !     Error: The peer server would print the storage password in the log."), r.stderr());
    assertTrue(r.stderr().contains("lib/postgresql-9.3-1102-jdbc41.jar"), r.stderr());
    assertFalse(r.all().contains("Release checks passed"), r.toString());
    assertFalse(r.all().contains(db.password()), r.toString());
  }

  /**
   * A copy of the compiled app whose bin/run starts real {@code clojure.main} (JVM options
   * first, as Datomic's does) with the real peer library (this JVM's test classpath) and
   * {@code DATOMIC_EXT_CLASSPATH}: the whole chain runs for real, up to Datomic's answers.
   */
  Path appWithRealPeerLibrary() throws IOException {
    Path real = tmp.resolve("real-peer/build");
    Trees.copy(app.build(), real);
    Path run = real.resolve(".datomic/dist/bin/run");
    Files.writeString(run, String.join("\n",
        "#!/usr/bin/env bash",
        "# Like Datomic's bin/run: JVM options, then clojure.main's arguments.",
        "cd \"$(dirname \"$0\")/..\"",
        "jvm=()",
        "while [[ $# -gt 0 && \"$1\" == -[XD]* ]]; do jvm+=(\"$1\"); shift; done",
        "exec \"$TEST_JAVA\" \"${jvm[@]}\" -XX:TieredStopAtLevel=1 -cp"
            + " \"$TEST_PEER_CLASSPATH:$DATOMIC_EXT_CLASSPATH\" clojure.main \"$@\"", ""));
    return real;
  }

  Map<String, String> realPeerEnv(Database db) throws IOException {
    Map<String, String> env = dyno(GB, db);
    env.put("DATOMIC_PEER_SERVER_DATABASES", "orders");
    env.put("DATOMIC_PEER_SERVER_TRANSACTOR_WAIT", "5");
    env.put("TEST_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    env.put("TEST_PEER_CLASSPATH", System.getProperty("java.class.path"));
    if (!PG.ssl()) {
      env.put("DATOMIC_SQL_SSLMODE", "disable");
    }
    return env;
  }

  static void createTable(Database db) {
    db.execute("CREATE TABLE datomic_kvs (id text NOT NULL, rev integer, map text, val bytea,"
        + " CONSTRAINT pk_id PRIMARY KEY (id))");
    db.execute("GRANT ALL ON datomic_kvs TO " + PostgresServer.ident(db.user()));
  }

  @Test
  void realPeerLibraryBootAuthenticatesThroughPgpassAndNamesTheMissingDatabase()
      throws IOException {
    Path real = appWithRealPeerLibrary();
    Database db = PG.newDatabase();
    createTable(db);
    try (Dyno dyno = start(real, realPeerEnv(db))) {
      assertNotEquals(0, dyno.awaitExit(240), dyno.output());
      assertTrue(dyno.stderr().contains(
          " !     Error: Datomic database 'orders' does not exist in this storage."),
          "authenticated through PGPASSFILE, then asked Datomic:\n" + dyno.output());
      assertTrue(dyno.stderr().contains("heroku run datomic-buildpack create-database orders"));
      assertFalse(dyno.output().contains(db.password()), dyno.output());
      assertFalse(dyno.output().contains(SECRET), dyno.output());
      Path runtime = Files.list(tmp.resolve("dynos/tmp")).findFirst().orElseThrow();
      try (var files = Files.list(runtime)) {
        assertEquals(List.of(runtime.resolve("pgpass")), files.toList(),
            "the main deleted its plan once read");
      }
    }
  }

  @Test
  void realPeerLibraryCreateDatabaseWithoutATransactorGivesUpWithinItsBound()
      throws IOException {
    Path real = appWithRealPeerLibrary();
    Database db = PG.newDatabase();
    createTable(db);
    Map<String, String> env = realPeerEnv(db);
    env.put("DYNO", "run.7");
    long start = System.nanoTime();
    try (Dyno run = Dyno.command(real, ".datomic/bin/datomic-buildpack create-database orders",
        env, tmp.resolve("run"))) {
      // From the main's first line (the JVMs started, Datomic loaded) to the exit: the wait.
      assertTrue(run.awaitLine("Creating Datomic databases: orders", 180), run.output());
      long checking = System.nanoTime();
      assertNotEquals(0, run.awaitExit(240), run.output());
      long millis = (System.nanoTime() - checking) / 1_000_000;
      assertTrue(run.stderr().contains(" !     Error: no transactor is running for this storage;"
          + " start one with heroku ps:scale transactor=1"), run.output());
      assertTrue(run.stderr().contains("for 5 s ("), run.stderr());
      assertFalse(run.output().contains(db.password()), run.output());
      assertTrue(millis >= 4_500 && millis < 5_000 + 5_000,
          "gave up when DATOMIC_PEER_SERVER_TRANSACTOR_WAIT=5 says: " + millis + " ms");
    }
    System.out.println("create-database with the real peer library ended after "
        + (System.nanoTime() - start) / 1_000_000 + " ms (JVM start included)");
  }

  /**
   * Storage that cannot be reached, at the peer server's boot: retried as
   * DATOMIC_STORAGE_CONNECT_ATTEMPTS says, as for the transactor, then one message from the
   * buildpack; Datomic is never started to print its connection pool's stack traces.
   */
  @Test
  void unreachableStorageIsRetriedAndNamedBeforeDatomicStarts() throws IOException {
    Map<String, String> env = dyno(GB, null);
    int port = PostgresServer.closedPort();
    env.put("DATABASE_URL", "postgres://app:pw-77c1@127.0.0.1:" + port + "/db");
    env.put("DATOMIC_SQL_SSLMODE", "disable");
    env.put("DATOMIC_STORAGE_CONNECT_ATTEMPTS", "2");
    env.put("DATOMIC_BUILDPACK_BACKOFF_MS", "100");
    try (Dyno dyno = start(app.build(), env)) {
      assertNotEquals(0, dyno.awaitExit(60), dyno.output());
      assertTrue(dyno.stdout().contains("Postgres at 127.0.0.1:" + port + "/db is not reachable"
          + " (attempt 1 of 2"), dyno.output());
      assertTrue(dyno.stderr().contains(" !     Error: Could not reach Postgres at 127.0.0.1:"
          + port + "/db after 2 attempts."), dyno.stderr());
      assertNull(dyno.runRecord().get("ARG"), "bin/run was not started");
      assertTrue(dyno.output().lines().count() < 20, dyno.output());
      assertFalse(dyno.output().contains("pw-77c1"), dyno.output());
    }
  }

  /**
   * Storage that accepts connections and never answers, for every process that hands storage to
   * Datomic: each ends within its bound (one attempt here: the driver's 10 s login limit) with the
   * buildpack's message, and Datomic is never started.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"peer-server", "create-database orders", "console", "backup orders"})
  void storageThatNeverAnswersEndsEveryProcessWithinItsBound(String command) throws IOException {
    Map<String, String> env = dyno(GB, null);
    env.put("DYNO", command.equals("peer-server") ? "peer-server.1"
        : command.equals("console") ? "console.1" : "run.1");
    env.put("DATOMIC_BACKUP_URL", "file:" + tmp.resolve("backups"));
    env.put("DATOMIC_SQL_SSLMODE", "disable");
    env.put("DATOMIC_STORAGE_CONNECT_ATTEMPTS", "1");
    try (SilentPort silent = new SilentPort()) {
      env.put("DATABASE_URL", silent.postgresUrl("app", "pw-5d2e", "db"));
      long start = System.nanoTime();
      try (Dyno run = Dyno.command(app.build(), ".datomic/bin/datomic-buildpack " + command,
          env, tmp.resolve("run"))) {
        assertNotEquals(0, run.awaitExit(90), run.output());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(run.stderr().contains(" !     Error: Could not reach Postgres at 127.0.0.1:"
            + silent.port() + "/db after 1 attempt."), run.output());
        assertTrue(run.stderr().contains("timed out"), run.stderr());
        assertEquals(1, silent.connections(), "one attempt");
        assertTrue(millis < 10_000 + 10_000, "the 10 s login limit held: " + millis + " ms");
        assertFalse(run.output().contains("pw-5d2e"), run.output());
        assertTrue(run.output().lines().count() < 25, run.output());
      }
    }
  }

  /** Credentials the storage refuses: said at once by the buildpack, never retried. */
  @Test
  void refusedCredentialsAreNamedAtOnceBeforeDatomicStarts() throws IOException {
    Database db = PG.newDatabase();
    Map<String, String> env = dyno(GB, new Database(PG, db.name(), db.user(), "wrong-pw-31"));
    if (!PG.ssl()) {
      env.put("DATOMIC_SQL_SSLMODE", "disable");
    }
    try (Dyno dyno = start(app.build(), env)) {
      assertNotEquals(0, dyno.awaitExit(60), dyno.output());
      assertTrue(dyno.stderr().contains(" !     Error: Postgres refused the credentials for user '"
          + db.user() + "'"), dyno.stderr());
      assertFalse(dyno.output().contains("attempt 1 of"), "not retried: " + dyno.output());
      assertNull(dyno.runRecord().get("ARG"), "bin/run was not started");
      assertTrue(dyno.output().lines().count() < 20, dyno.output());
      assertFalse(dyno.output().contains("wrong-pw-31"), dyno.output());
    }
  }

  /**
   * A memcached host that does not resolve, with the real peer library: Datomic's exception has
   * no message; the boot still gives a reason, in a few lines.
   */
  @Test
  void realPeerLibraryFailureWithoutAMessageStillGivesAReason() throws IOException {
    Path real = appWithRealPeerLibrary();
    Database db = PG.newDatabase();
    createTable(db);
    Map<String, String> env = realPeerEnv(db);
    env.put("DATOMIC_PEER_SERVER_TRANSACTOR_WAIT", "60");
    env.put("DATOMIC_MEMCACHED", "no-such-host.invalid:11211");
    try (Dyno dyno = start(real, env)) {
      assertNotEquals(0, dyno.awaitExit(240), dyno.output());
      assertTrue(dyno.stderr().contains(" !     Error: Datomic could not open database 'orders':"
          + " a host name does not resolve (DNS)."), dyno.stderr());
      assertTrue(dyno.stderr().contains(" !     Memcached: no-such-host.invalid:11211"
          + " (DATOMIC_MEMCACHED, or the MemCachier add-on): check that its host names resolve."),
          dyno.stderr());
      assertTrue(dyno.output().lines().count() < 40, dyno.output());
      assertFalse(dyno.output().contains("\tat "), dyno.output());
      // The launcher unsets an empty JAVA_TOOL_OPTIONS: a real JVM announces it even empty.
      assertFalse(dyno.stderr().contains("Picked up JAVA_TOOL_OPTIONS"), dyno.stderr());
    }
  }

  @Test
  void createDatabaseHandsTheSameMainACreatePlan() throws IOException {
    Database db = PG.newDatabase();
    Map<String, String> env = new HashMap<>(dyno(GB, db));
    env.put("DYNO", "run.4242");
    try (Dyno run = Dyno.command(app.build(),
        ".datomic/bin/datomic-buildpack create-database orders billing", env,
        tmp.resolve("run"))) {
      assertEquals(0, run.awaitExit(60), run.output());
      assertTrue(run.stdout().contains("orders: created"), run.stdout());
      Map<Object, Object> plan = EdnData.map(run.runPlan());
      assertEquals("create", EdnData.get(plan, "mode"));
      assertEquals(List.of(List.of("orders", peerUri(db, "orders")),
          List.of("billing", peerUri(db, "billing"))), EdnData.list(plan, "databases"));
      List<String> args = run.runRecord().get("ARG");
      assertEquals(List.of("-m", "datomic-buildpack.peer-server"),
          args.subList(args.size() - 3, args.size() - 1));
      assertTrue(args.get(args.size() - 1).contains("datomic-run.4242-"), args.toString());
      assertFalse(run.output().contains(db.password()));
    }
  }

  @Test
  void createDatabaseRefusesBadNamesNoNamesAndNoPostgres() throws IOException {
    Map<String, String> env = dyno(GB, PG.newDatabase());
    List<String[]> cases = new ArrayList<>();
    cases.add(new String[] {"create-database my_db", "Database name 'my_db' in the command line"});
    cases.add(new String[] {"create-database", "Name the databases to create."});
    for (String[] c : cases) {
      Run.Result r = Run.of("bash", "-c", ".datomic/bin/datomic-buildpack " + c[0])
          .in(app.build()).env(env).go();
      assertNotEquals(0, r.exitCode(), r.toString());
      assertTrue(r.stderr().contains(c[1]), r.stderr());
    }
    env.remove("DATABASE_URL");
    Run.Result r = Run.of(".datomic/bin/datomic-buildpack", "create-database", "orders")
        .in(app.build()).env(env).go();
    assertNotEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stderr().contains("create-database needs the app's Postgres storage."),
        r.stderr());
  }

  @Test
  void clientConfigPrintsEdnAndEnvLinesWithTheSecretMaskedUnlessAsked() throws IOException {
    Map<String, String> env = dyno(GB, PG.newDatabase());
    env.put("HEROKU_DNS_APP_NAME", "orders-qg.app.localspace");
    Run.Result masked = Run.of(".datomic/bin/datomic-buildpack", "client-config")
        .in(app.build()).env(env).go();
    assertEquals(0, masked.exitCode(), masked.toString());
    int start = masked.stdout().indexOf("{:server-type");
    String edn = masked.stdout().substring(start, masked.stdout().indexOf('}', start) + 1);
    Map<Object, Object> config = EdnData.map(edn);
    assertEquals(clojure.lang.Keyword.intern("peer-server"), EdnData.get(config, "server-type"));
    assertEquals("1.peer-server.orders-qg.app.localspace:8998", EdnData.get(config, "endpoint"));
    assertEquals(KEY, EdnData.get(config, "access-key"));
    assertEquals("********", EdnData.get(config, "secret"));
    assertEquals(Boolean.FALSE, EdnData.get(config, "validate-hostnames"));
    assertTrue(masked.stdout().contains(":db-name \"orders\"\n:db-name \"inventory\""),
        masked.stdout());
    assertTrue(masked.stdout().contains("DATOMIC_CLIENT_ENDPOINT="
        + "1.peer-server.orders-qg.app.localspace:8998\n"), masked.stdout());
    assertTrue(masked.stdout().contains("DATOMIC_CLIENT_DB_NAMES=orders,inventory\n"));
    assertFalse(masked.all().contains(SECRET), masked.toString());

    Run.Result shown = Run.of(".datomic/bin/datomic-buildpack", "client-config", "--show-secret")
        .in(app.build()).env(env).go();
    assertTrue(shown.stdout().contains(":secret \"" + SECRET + "\""), shown.stdout());
    assertTrue(shown.stdout().contains("DATOMIC_CLIENT_SECRET=" + SECRET + "\n"));
  }
}
