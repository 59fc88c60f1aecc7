package datomic.buildpack.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.config.Advice;
import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.local.PostgresServer.Database;
import datomic.buildpack.local.PostgresServer;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.UserError;
import datomic.buildpack.storage.KvsBootstrap.Outcome;
import datomic.buildpack.storage.KvsBootstrap.Result;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link KvsBootstrap} against a real PostgreSQL server (no mocks). */
class KvsBootstrapTest {
  private static final PostgresServer PG = PostgresServer.shared();

  private static final String COLUMNS_SQL =
      "SELECT column_name, data_type, is_nullable, coalesce(column_default, '')"
          + " FROM information_schema.columns WHERE table_schema = 'public'"
          + " AND table_name = 'datomic_kvs' ORDER BY ordinal_position";
  private static final String CONSTRAINTS_SQL =
      "SELECT conname, contype::text, pg_get_constraintdef(oid) FROM pg_constraint"
          + " WHERE conrelid = 'public.datomic_kvs'::regclass ORDER BY conname";
  private static final String ROWS_SQL =
      "SELECT id, rev::text, map, encode(val, 'hex'), xmin::text FROM datomic_kvs ORDER BY id";
  /** Any shape: each whole row as text (bytea as hex) and its xmin (changes if a row is rewritten). */
  private static final String ANY_ROWS_SQL =
      "SELECT t::text, t.xmin::text FROM datomic_kvs t ORDER BY t::text";
  private static final String EXISTS_SQL = "SELECT to_regclass('public.datomic_kvs')::text";

  /** The database's URL as the buildpack would read it; sslmode=require works when the server has SSL. */
  private static PostgresUrl urlOf(Database db) {
    PostgresUrl url = PostgresUrl.parse(db.url(), "DATABASE_URL");
    return PG.ssl() ? url : url.withSslMode("disable");
  }

  private static PostgresUrl sslAsTheServerAllows(PostgresUrl url) {
    return PG.ssl() ? url : url.withSslMode("disable");
  }

  private static KvsBootstrap bootstrap(PostgresUrl url) {
    return new KvsBootstrap(url).attempts(3).backoffBase(Duration.ofMillis(10))
        .connectTimeoutSeconds(5);
  }

  private static KvsBootstrap bootstrap(Database db) {
    return bootstrap(urlOf(db));
  }

  private static String text(UserError e) {
    return e.getMessage() + "\n" + String.join("\n", e.advice());
  }

  private static List<List<String>> snapshot(Database db) {
    List<List<String>> all = new ArrayList<>(db.query(COLUMNS_SQL));
    all.add(List.of("--constraints--"));
    all.addAll(db.query(CONSTRAINTS_SQL));
    all.add(List.of("--rows--"));
    all.addAll(db.query(ANY_ROWS_SQL));
    return all;
  }

  @Test
  void createsExactlyTheOfficialTableOnAnEmptyDatabase() {
    Database db = PG.newDatabase();
    Result result = bootstrap(db).ensureTable();
    assertEquals(Outcome.CREATED, result.outcome());
    assertTrue(result.created());
    assertEquals("public", result.schema());
    assertEquals(1, result.attempts());
    assertEquals("created table datomic_kvs in schema public", result.describe());

    assertEquals(List.of(
        List.of("id", "text", "NO", ""),
        List.of("rev", "integer", "YES", ""),
        List.of("map", "text", "YES", ""),
        List.of("val", "bytea", "YES", "")), db.query(COLUMNS_SQL));
    assertEquals(List.of(List.of("pk_id", "p", "PRIMARY KEY (id)")), db.query(CONSTRAINTS_SQL));
    assertEquals(List.of(List.of(db.user())), db.query(
        "SELECT tableowner FROM pg_tables WHERE tablename = 'datomic_kvs'"));
    assertEquals(List.of(List.of("0")), db.query("SELECT count(*)::text FROM datomic_kvs"));
  }

  @Test
  void secondRunReportsAlreadyPresent() {
    Database db = PG.newDatabase();
    assertEquals(Outcome.CREATED, bootstrap(db).ensureTable().outcome());
    List<List<String>> before = snapshot(db);
    Result again = bootstrap(db).ensureTable();
    assertEquals(Outcome.ALREADY_PRESENT, again.outcome());
    assertEquals("table datomic_kvs already present in schema public", again.describe());
    assertEquals(before, snapshot(db));
  }

  @Test
  void existingTableWithRowsIsLeftByteForByteIntact() throws Exception {
    Database db = PG.newDatabase();
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute(KvsBootstrap.CREATE_TABLE_SQL);
      s.execute("INSERT INTO datomic_kvs (id, rev, map, val) VALUES"
          + " ('pod-catalog', 7, '{:a 1}', '\\x00ff10'::bytea),"
          + " ('root-id', NULL, NULL, NULL),"
          + " ('e1f9', 123456, repeat('x', 5000), decode(repeat('deadbeef', 3000), 'hex'))");
    }
    List<List<String>> before = snapshot(db);
    assertEquals(4 + 1 + 1 + 1 + 3, before.size());
    List<List<String>> rowsBefore = db.query(ROWS_SQL);
    assertEquals(List.of("pod-catalog", "7", "{:a 1}", "00ff10"), rowsBefore.get(1).subList(0, 4));

    Result result = bootstrap(db).ensureTable();

    assertEquals(Outcome.ALREADY_PRESENT, result.outcome());
    assertEquals(before, snapshot(db), "rows (with xmin) and definition unchanged");
    assertEquals(rowsBefore, db.query(ROWS_SQL));
  }

  @Test
  void wrongTypeIsRefusedNamingTheDifferenceAndTheTableIsUntouched() {
    Database db = PG.newDatabase();
    db.execute("CREATE TABLE datomic_kvs (id text NOT NULL, rev integer, map text, val text,"
        + " CONSTRAINT pk_id PRIMARY KEY (id));"
        + " INSERT INTO datomic_kvs VALUES ('a', 1, 'm', 'v')");
    List<List<String>> before = snapshot(db);

    UserError e = assertThrows(UserError.class, () -> bootstrap(db).ensureTable());

    String all = text(e);
    assertTrue(e.getMessage().contains("public.datomic_kvs has the wrong shape"), all);
    assertTrue(e.getMessage().contains("1 difference"), all);
    assertTrue(all.contains("column val: expected bytea, found text"), all);
    assertFalse(all.contains("column id:"), all);
    assertTrue(all.contains(KvsBootstrap.CREATE_TABLE_SQL), all);
    assertFalse(all.contains(db.password()), all);
    assertEquals(before, snapshot(db));
  }

  @Test
  void missingColumnExtraColumnAndMissingKeyAreAllNamed() {
    Database db = PG.newDatabase();
    db.execute("CREATE TABLE datomic_kvs (id varchar(200), map text, val bytea, note text)");
    List<List<String>> before = snapshot(db);

    UserError e = assertThrows(UserError.class, () -> bootstrap(db).ensureTable());

    String all = text(e);
    assertTrue(all.contains("column id: expected text NOT NULL, found character varying(200)"), all);
    assertTrue(all.contains("column rev: expected integer, found: missing"), all);
    assertTrue(all.contains("column note: not expected, found text"), all);
    assertTrue(all.contains("primary key: expected (id), found none"), all);
    assertTrue(e.getMessage().contains("4 differences"), all);
    assertEquals(before, snapshot(db));
  }

  @Test
  void aViewNamedDatomicKvsIsRefused() {
    Database db = PG.newDatabase();
    db.execute("CREATE VIEW datomic_kvs AS SELECT 'x'::text AS id, 1 AS rev, ''::text AS map,"
        + " ''::bytea AS val");
    UserError e = assertThrows(UserError.class, () -> bootstrap(db).ensureTable());
    assertTrue(e.getMessage().contains("is not a table"), text(e));
  }

  @Test
  void roleWithoutCreatePrivilegeIsToldWhatToRun() {
    Database db = PG.newDatabaseWithoutCreate();

    UserError e = assertThrows(UserError.class, () -> bootstrap(db).ensureTable());

    String all = text(e);
    assertTrue(e.getMessage().contains("role '" + db.user() + "' may not create table datomic_kvs"),
        all);
    assertTrue(all.contains("  " + KvsBootstrap.CREATE_TABLE_SQL + ";"), all);
    assertTrue(all.contains("GRANT SELECT, INSERT, UPDATE, DELETE ON datomic_kvs TO \""
        + db.user() + "\""), all);
    assertTrue(all.contains("permission denied"), all);
    assertFalse(all.contains(db.password()), all);
    assertEquals(List.of(Collections.singletonList((String) null)), db.query(EXISTS_SQL));

    // Following the advice works: the owner creates and grants; then the role finds the table.
    db.execute(KvsBootstrap.CREATE_TABLE_SQL + "; GRANT SELECT, INSERT, UPDATE, DELETE ON"
        + " datomic_kvs TO " + PostgresServer.ident(db.user()));
    assertEquals(Outcome.ALREADY_PRESENT, bootstrap(db).ensureTable().outcome());
  }

  /**
   * The race the advisory lock guards against, made to happen: the first boot is held open in the
   * window between "is the table there?" (no) and CREATE TABLE while a second boot runs. With the
   * lock, the second waits on it (seen in pg_locks) and then finds the table; without it, the
   * second enters the window too and one CREATE TABLE fails.
   */
  @Test
  void aSecondBootWaitsOnTheLockWhileTheFirstIsBetweenCheckAndCreate() throws Exception {
    Database db = PG.newDatabase();
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch firstInWindow = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    CountDownLatch secondInWindow = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Result> first = pool.submit(() -> bootstrap(db).beforeCreate(c -> {
        events.add("first enters the window");
        firstInWindow.countDown();
        if (!releaseFirst.await(120, TimeUnit.SECONDS)) {
          throw new IllegalStateException("never released");
        }
        events.add("first leaves the window");
      }).ensureTable());
      assertTrue(firstInWindow.await(120, TimeUnit.SECONDS), "the first boot reached the window");

      Future<Result> second = pool.submit(() -> bootstrap(db).beforeCreate(c -> {
        events.add("second enters the window");
        secondInWindow.countDown();
      }).ensureTable());
      boolean waitingOnTheLock = false;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!waitingOnTheLock && secondInWindow.getCount() > 0 && System.nanoTime() < deadline) {
        waitingOnTheLock = !db.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory'"
            + " AND NOT granted AND database = (SELECT oid FROM pg_database"
            + " WHERE datname = current_database())").isEmpty();
        Thread.sleep(20);
      }
      releaseFirst.countDown();
      List<String> outcomes = new ArrayList<>();
      for (Future<Result> f : List.of(first, second)) {
        try {
          outcomes.add(f.get(120, TimeUnit.SECONDS).outcome().name());
        } catch (ExecutionException e) {
          outcomes.add("failed: " + e.getCause().getMessage());
        }
      }

      assertEquals(List.of("first enters the window", "first leaves the window"), events,
          "no second boot between the check and CREATE TABLE; outcomes " + outcomes);
      assertTrue(waitingOnTheLock, "the second boot waited on the advisory lock");
      assertEquals(List.of("CREATED", "ALREADY_PRESENT"), outcomes);
      assertEquals(4, db.query(COLUMNS_SQL).size());
    } finally {
      releaseFirst.countDown();
      pool.shutdownNow();
    }
  }

  /** Many boots at once, each creator holding the window open a while: all start, one creates. */
  @Test
  void concurrentBootstrapsAllSucceedAndExactlyOneCreates() throws Exception {
    Database db = PG.newDatabase();
    int n = 4;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<Result>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        futures.add(pool.submit(() -> {
          go.await();
          return bootstrap(db).beforeCreate(c -> Thread.sleep(500)).ensureTable();
        }));
      }
      go.countDown();
      List<Outcome> outcomes = new ArrayList<>();
      for (Future<Result> f : futures) {
        outcomes.add(f.get(120, TimeUnit.SECONDS).outcome());
      }
      assertEquals(1, Collections.frequency(outcomes, Outcome.CREATED), outcomes.toString());
      assertEquals(n - 1, Collections.frequency(outcomes, Outcome.ALREADY_PRESENT),
          outcomes.toString());
      assertEquals(4, db.query(COLUMNS_SQL).size());
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A server that accepts and hangs up at once: each connection attempt is counted, so a retry
   * loop that tries more often than the setting says (with or without waiting) is seen.
   */
  @Test
  void unreachableDatabaseFailsAfterBoundedRetriesWithBackoff() throws Exception {
    AtomicInteger connections = new AtomicInteger();
    try (ServerSocket hangUp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        while (!hangUp.isClosed()) {
          try (Socket s = hangUp.accept()) {
            connections.incrementAndGet();
          } catch (IOException e) {
            return;
          }
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      int port = hangUp.getLocalPort();
      PostgresUrl url = PostgresUrl.parse("postgres://app:Zq8wSecret@127.0.0.1:" + port + "/db",
          "DATABASE_URL").withSslMode("disable");
      List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Log log = new Log(new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(out, true, StandardCharsets.UTF_8));

      UserError e = assertThrows(UserError.class, () -> new KvsBootstrap(url).attempts(4)
          .backoffBase(Duration.ofMillis(5)).sleeper(waits::add).log(log).ensureTable());

      assertEquals(4, connections.get(), "connection attempts");
      assertEquals(List.of(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20)),
          waits);
      String logged = out.toString(StandardCharsets.UTF_8);
      assertEquals(3, logged.lines().filter(l -> l.contains("is not reachable (attempt")).count(),
          logged);
      assertTrue(logged.contains("attempt 3 of 4"), logged);
      String all = text(e);
      assertEquals("Could not reach Postgres at 127.0.0.1:" + port + "/db after 4 attempts.",
          e.getMessage());
      assertTrue(all.contains("Heroku will restart it"), all);
      assertTrue(all.contains("DATOMIC_STORAGE_CONNECT_ATTEMPTS"), all);
      assertFalse(all.contains("Zq8wSecret") || logged.contains("Zq8wSecret"), all + logged);
    }
  }

  /**
   * A server (here a hand-written one on loopback speaking just enough of the PostgreSQL
   * protocol) whose error message repeats the password, plain and percent-encoded: neither
   * reaches the message, the log or the cause the CLI prints.
   */
  @Test
  void aServerEchoingThePasswordNeverGetsItIntoTheMessage() throws Exception {
    String password = "Zq8w/Secret&1";
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread echo = new Thread(() -> {
        while (!server.isClosed()) {
          try (Socket s = server.accept()) {
            java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
            byte[] startup = new byte[in.readInt() - 4];
            in.readFully(startup);
            byte[] fields = ("SFATAL\0VFATAL\0C28P01\0Mno such luck for " + password + " or "
                + PostgresUrl.encode(password) + "\0\0").getBytes(StandardCharsets.UTF_8);
            java.io.DataOutputStream out = new java.io.DataOutputStream(s.getOutputStream());
            out.writeByte('E');
            out.writeInt(fields.length + 4);
            out.write(fields);
            out.flush();
          } catch (IOException e) {
            return;
          }
        }
      });
      echo.setDaemon(true);
      echo.start();
      PostgresUrl url = PostgresUrl.parse("postgres://app:"
          + java.net.URLEncoder.encode(password, StandardCharsets.UTF_8) + "@127.0.0.1:" + server.getLocalPort() + "/db", "DATABASE_URL").withSslMode("disable");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Log log = new Log(new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(out, true, StandardCharsets.UTF_8));

      UserError e = assertThrows(UserError.class, () -> new KvsBootstrap(url).attempts(2)
          .sleeper(d -> { }).log(log).ensureTable());

      String all = text(e) + "\n" + e.getCause() + "\n" + out.toString(StandardCharsets.UTF_8);
      assertTrue(all.contains("no such luck for ********"), all);
      assertFalse(all.contains("Zq8w"), all);
    }
  }

  @Test
  void aRefusedConnectionIsNamed() {
    int port = PostgresServer.closedPort();
    PostgresUrl url = PostgresUrl.parse("postgres://app:Zq8wSecret@127.0.0.1:" + port + "/db",
        "DATABASE_URL").withSslMode("disable");
    UserError e = assertThrows(UserError.class, () -> new KvsBootstrap(url).attempts(2)
        .backoffBase(Duration.ofMillis(1)).sleeper(d -> { }).ensureTable());
    assertTrue(text(e).toLowerCase().contains("refused"), text(e));
  }

  @Test
  void realBackoffIsExponentialAndCapped() {
    KvsBootstrap b = new KvsBootstrap(PostgresUrl.parse("postgres://u:p@h/db"))
        .backoffBase(Duration.ofSeconds(1)).backoffMax(Duration.ofSeconds(5));
    assertEquals(List.of(1000L, 2000L, 4000L, 5000L, 5000L),
        List.of(b.backoff(1), b.backoff(2), b.backoff(3), b.backoff(4), b.backoff(9)).stream()
            .map(Duration::toMillis).toList());
  }

  @Test
  void attemptsComeFromTheConfigVar() {
    int port = PostgresServer.closedPort();
    Environment env = Environment.of(Map.of(
        "DATABASE_URL", "postgres://app:Zq8wSecret@127.0.0.1:" + port + "/db",
        "DATOMIC_SQL_SSLMODE", "disable",
        "DATOMIC_STORAGE_CONNECT_ATTEMPTS", "2"));
    List<Duration> waits = new ArrayList<>();
    KvsBootstrap b = KvsBootstrap.fromEnvironment(ConfigRegistry.load(), env)
        .backoffBase(Duration.ofMillis(1)).sleeper(waits::add);
    assertEquals("disable", b.url().sslMode());
    UserError e = assertThrows(UserError.class, b::ensureTable);
    assertTrue(e.getMessage().endsWith("after 2 attempts."), e.getMessage());
    assertEquals(1, waits.size());
  }

  /**
   * The test hook that shortens the waits is read in one place for every retry loop, and refused
   * when it is not a whole number of milliseconds from 1 to 60000: a negative one retried every
   * millisecond, text one failed "unexpectedly".
   */
  @ParameterizedTest
  @CsvSource({"-5", "0", "abc", "99999999999999999999", "60001"})
  void theTestBackoffIsAPositiveNumberOfMillisecondsOrRefused(String value) {
    Environment env = Environment.of(Map.of("DATABASE_URL", "postgres://app:pw@127.0.0.1/db",
        "DATOMIC_BUILDPACK_BACKOFF_MS", value, "DYNO", "release.1"));
    UserError e = assertThrows(UserError.class,
        () -> KvsBootstrap.fromEnvironment(ConfigRegistry.load(), env));
    assertTrue(e.getMessage().startsWith("DATOMIC_BUILDPACK_BACKOFF_MS=" + value
        + " is not a whole number of milliseconds from 1 to 60000."), text(e));
    assertTrue(text(e).contains("heroku config:unset DATOMIC_BUILDPACK_BACKOFF_MS"), text(e));

    KvsBootstrap b = KvsBootstrap.fromEnvironment(ConfigRegistry.load(), Environment.of(Map.of(
        "DATABASE_URL", "postgres://app:pw@127.0.0.1/db", "DATOMIC_BUILDPACK_BACKOFF_MS", "20")));
    assertEquals(List.of(20L, 40L), List.of(b.backoff(1).toMillis(), b.backoff(2).toMillis()));
  }

  @Test
  void wrongPasswordIsAnAuthErrorWithoutRetryOrPassword() {
    Database db = PG.newDatabase();
    String wrong = "Wr0ngPassw0rd";
    PostgresUrl url = urlOf(new Database(PG, db.name(), db.user(), wrong));
    List<Duration> waits = new ArrayList<>();

    UserError e = assertThrows(UserError.class, () -> bootstrap(url).sleeper(waits::add)
        .ensureTable());

    String all = text(e);
    assertTrue(e.getMessage().startsWith("Postgres refused the credentials for user '"
        + db.user() + "'"), all);
    assertTrue(all.contains("rotated"), all);
    assertTrue(all.contains("DATABASE_URL"), all);
    assertFalse(all.contains(wrong), all);
    assertFalse(all.contains(db.password()), all);
    assertEquals(List.of(), waits, "authentication failures are not retried");
  }

  /** A URL without a password: said at once, not 15 s of retries ending in "may be restarting". */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no password    | postgres://%s@127.0.0.1:%d/%s     | DATABASE_URL has no password",
      "empty password | postgres://%s:@127.0.0.1:%d/%s    | DATABASE_URL has an empty password",
  })
  void aMissingPasswordIsSaidAtOnce(String name, String form, String expected) {
    Database db = PG.newDatabase();
    PostgresUrl url = sslAsTheServerAllows(PostgresUrl.parse(
        String.format(form, db.user(), PG.port(), db.name()), "DATABASE_URL"));
    List<Duration> waits = new ArrayList<>();

    UserError e = assertThrows(UserError.class, () -> bootstrap(url).attempts(5)
        .sleeper(waits::add).ensureTable());

    String all = text(e);
    assertTrue(e.getMessage().startsWith(expected), all);
    assertTrue(all.contains("user '" + db.user() + "'"), all);
    assertFalse(all.contains("may be restarting") || all.contains("Could not reach"), all);
    // Where to find the password, for where this JVM runs (Heroku's words under CI, else .env).
    assertTrue(Advice.system().local() ? all.contains("in .env")
        : all.contains("heroku pg:credentials:url"), all);
    assertEquals(List.of(), waits, "not retried");
    // The driver's own words here are about itself ("The server requested SCRAM-based
    // authentication, but no password was provided.", or "... provided by plugin null" for md5):
    // the message says it in the buildpack's words only.
    assertFalse(all.contains("requested") || all.contains("provided") || all.contains("plugin"),
        all);
  }

  /**
   * A connection limit (SQLSTATE 53300) is named for what it is from the first attempt, and in
   * the message after the last: the role's or the database's CONNECTION LIMIT (here 0, which
   * allows none), never "not reachable ... may be restarting".
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "role     | ALTER ROLE %1$s CONNECTION LIMIT 0     | Postgres role '%2$s' has no connection"
          + " left at | for role '%2$s' (its CONNECTION LIMIT)",
      "database | ALTER DATABASE %3$s CONNECTION LIMIT 0 | Database '%4$s' has no connection left"
          + " at      | for database '%4$s' (its CONNECTION LIMIT)",
  })
  void aConnectionLimitIsNamedAtOnce(String name, String alter, String expected, String retry) {
    Database db = PG.newDatabase();
    PG.execute("postgres", String.format(alter, PostgresServer.ident(db.user()), db.user(),
        PostgresServer.ident(db.name()), db.name()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Log log = new Log(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    List<Duration> waits = new ArrayList<>();

    UserError e = assertThrows(UserError.class, () -> bootstrap(db).attempts(2)
        .sleeper(waits::add).log(log).ensureTable());

    String logged = out.toString(StandardCharsets.UTF_8);
    String all = text(e);
    assertTrue(logged.contains("has no connection left " + String.format(retry, "", db.user(),
        "", db.name()) + " (attempt 1 of 2"), logged);
    assertTrue(e.getMessage().startsWith(String.format(expected, "", db.user(), "", db.name())),
        all);
    assertTrue(all.contains("CONNECTION LIMIT is reached") && all.contains("the limit is 0"), all);
    assertTrue(all.contains("heroku pg:ps"), all);
    assertFalse(all.contains("may be restarting") || logged.contains("is not reachable"),
        all + "\n" + logged);
    assertFalse(all.contains(db.password()) || logged.contains(db.password()));
  }

  /** The check the peer server, the Console and backups make connects and creates nothing. */
  @Test
  void reachConnectsAndTouchesNothing() {
    Database db = PG.newDatabase();
    assertEquals(1, bootstrap(db).reach());
    assertEquals(List.of(Collections.singletonList((String) null)), db.query(EXISTS_SQL),
        "no datomic_kvs");
  }

  /** Every authentication failure ends the boot at once: waiting never fixes credentials. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "wrong password | postgres://%1$s:wrong-pw-0@127.0.0.1:%2$d/%3$s",
      "unknown user   | postgres://nobody_here_9:%4$s@127.0.0.1:%2$d/%3$s",
      "no password    | postgres://%1$s@127.0.0.1:%2$d/%3$s",
      "empty password | postgres://%1$s:@127.0.0.1:%2$d/%3$s",
  })
  void authenticationFailuresAreNeverRetried(String name, String form) {
    Database db = PG.newDatabase();
    PostgresUrl url = sslAsTheServerAllows(PostgresUrl.parse(String.format(form, db.user(),
        PG.port(), db.name(), db.password()), "DATABASE_URL"));
    List<Duration> waits = new ArrayList<>();
    UserError e = assertThrows(UserError.class, () -> bootstrap(url).attempts(5)
        .sleeper(waits::add).ensureTable());
    assertEquals(List.of(), waits, text(e));
    assertFalse(text(e).contains("Could not reach"), text(e));
    assertFalse(text(e).contains(db.password()), text(e));
  }

  @Test
  void rotatedPasswordIsPickedUpFromTheNewUrl() {
    Database db = PG.newDatabase();
    assertEquals(Outcome.CREATED, bootstrap(db).ensureTable().outcome());
    String rotated = PostgresServer.randomToken();
    PG.setPassword(db.user(), rotated);
    Database fresh = new Database(PG, db.name(), db.user(), rotated);

    UserError old = assertThrows(UserError.class, () -> bootstrap(db).ensureTable());
    assertTrue(old.getMessage().startsWith("Postgres refused the credentials"), text(old));
    assertEquals(Outcome.ALREADY_PRESENT, bootstrap(fresh).ensureTable().outcome());
  }

  @Test
  void missingDatabaseIsNamed() {
    Database db = PG.newDatabase();
    Database missing = new Database(PG, "no_such_db_" + PostgresServer.randomToken(), db.user(),
        db.password());
    UserError e = assertThrows(UserError.class, () -> bootstrap(missing).ensureTable());
    assertTrue(e.getMessage().contains("Database '" + missing.name() + "' does not exist"),
        text(e));
    assertFalse(text(e).contains(db.password()));
  }

  @Test
  void percentEncodedPasswordReallyAuthenticates() {
    String user = PostgresServer.uniqueName("enc");
    String password = "p@ss:w/rd%&?# é";
    PG.createRole(user, password);
    String name = PostgresServer.uniqueName("db");
    PG.createDatabase(name, user);
    Database db = new Database(PG, name, user, password);
    assertTrue(db.url().contains("p%40ss%3Aw%2Frd%25%26%3F%23%20%C3%A9"), db.url());
    assertEquals(password, urlOf(db).password().orElseThrow());
    assertEquals(Outcome.CREATED, bootstrap(db).ensureTable().outcome());
  }

  @Test
  void sslIsUsedWithTheDefaultSslmode() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(PG.ssl(), "server has no SSL (no openssl)");
    Database db = PG.newDatabase();
    PostgresUrl url = PostgresUrl.parse(db.url());
    assertEquals("require", url.sslMode());
    assertEquals(Outcome.CREATED, bootstrap(url).ensureTable().outcome());
    try (Connection c = java.sql.DriverManager.getConnection(url.jdbcUrl(), url.jdbcProperties());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
      assertTrue(rs.next());
      assertEquals("true", rs.getString(1));
    }
  }

  @Test
  void tableInTheRolesOwnSchemaIsFoundThroughTheSearchPath() {
    Database db = PG.newDatabase();
    db.execute("CREATE SCHEMA " + PostgresServer.ident(db.user()) + " AUTHORIZATION "
        + PostgresServer.ident(db.user()));
    Result first = bootstrap(db).ensureTable();
    assertEquals(Outcome.CREATED, first.outcome());
    assertEquals(db.user(), first.schema());
    Result second = bootstrap(db).ensureTable();
    assertEquals(Outcome.ALREADY_PRESENT, second.outcome());
    assertEquals(db.user(), second.schema());
    assertNull(db.query(EXISTS_SQL).get(0).get(0), "nothing created in public");
  }
}
