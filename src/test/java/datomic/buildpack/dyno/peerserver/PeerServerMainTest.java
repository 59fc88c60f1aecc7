package datomic.buildpack.dyno.peerserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clojure.java.api.Clojure;
import clojure.lang.IFn;
import clojure.lang.Keyword;
import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.dyno.BootContext;
import datomic.buildpack.dyno.DynoMemory;
import datomic.buildpack.dyno.ExecPlan;
import datomic.buildpack.local.PostgresServer.Database;
import datomic.buildpack.local.PostgresServer;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.Secrets;
import datomic.buildpack.slug.BuildInfo;
import datomic.buildpack.slug.SlugLayout;
import datomic.buildpack.testsupport.Locks;
import datomic.buildpack.testsupport.SilentPort;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped Clojure main ({@code datomic_buildpack/peer_server.clj}) loaded with real Clojure
 * in this JVM, with the real Datomic peer library (com.datomic:peer) against the test
 * PostgreSQL, reading the plan the Java side writes. No transactor can run here: the paths that
 * need one are run up to Datomic's "no transactor" answer.
 */
@Order(1) // one of the longest classes: started first (junit-platform.properties)
@ResourceLock(Locks.CLOJURE)
@ResourceLock(Resources.SYSTEM_PROPERTIES) // org.postgresql.pgpassfile
class PeerServerMainTest {
  static final PostgresServer PG = PostgresServer.shared();
  static final String NS = "datomic-buildpack.peer-server";
  static Object api;

  @TempDir Path tmp;

  @BeforeAll
  static void loadTheMainAndDatomic() {
    Clojure.var("clojure.core", "load").invoke(
        "/datomic/buildpack/slug/clj/datomic_buildpack/peer_server");
    api = Clojure.var(NS, "datomic-api").invoke(); // loads datomic.api (once: it is slow)
  }

  /**
   * A slug whose lib/ names a pgjdbc that reads pgpass files (the peer server refuses an older
   * one): the URIs carry no password; this JVM's driver reads the plan's pgpass file.
   */
  Map<String, String> env(Database db, String databases) throws IOException {
    Path app = tmp.resolve("app");
    SlugLayout slug = new SlugLayout(app);
    Files.createDirectories(slug.distDir().resolve("lib"));
    Files.writeString(slug.distDir().resolve("lib/postgresql-42.5.1.jar"), "");
    new BuildInfo("pro", "1.0.7622", "0".repeat(64), "test").write(slug.buildInfo());
    Map<String, String> env = new HashMap<>();
    env.put("DYNO", "peer-server.1");
    env.put("TMPDIR", Files.createDirectories(tmp.resolve("dyno-tmp")).toString());
    env.put("DATABASE_URL", db.url());
    env.put("DATOMIC_SQL_SSLMODE", PG.ssl() ? "require" : "disable");
    env.put("DATOMIC_PEER_SERVER_DATABASES", databases);
    env.put("DATOMIC_PEER_SERVER_ACCESS_KEY", "ak-1");
    env.put("DATOMIC_PEER_SERVER_SECRET", "sk-main-test-0123456789");
    env.put("DATOMIC_PEER_SERVER_TRANSACTOR_WAIT", "4");
    env.put("DATOMIC_BUILDPACK_BACKOFF_MS", "250");
    return env;
  }

  PeerServerBoot boot(Map<String, String> env) {
    return new PeerServerBoot(new BootContext(ConfigRegistry.load(), Environment.of(env),
        new SlugLayout(tmp.resolve("app")), new Log(new PrintStream(
            new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())),
        tmp.resolve("no-cgroup")));
  }

  static final DynoMemory DYNO = new DynoMemory(1024, "test");

  /** What the main does with the plan file the Java side wrote (all but exiting the JVM). */
  record Outcome(Map<?, ?> result, String out, String err, long millis) {}

  static Outcome run(ExecPlan exec) {
    return run(exec, "identity");
  }

  /**
   * {@link #run(ExecPlan)} with the plan read changed by {@code change}, the source of a Clojure
   * function of the plan (what the main would have read had the world changed since the boot).
   */
  static Outcome run(ExecPlan exec, String change) {
    List<String> command = exec.command();
    Path plan = Path.of(command.get(command.size() - 1));
    // What PGPASSFILE does for the real process (pgjdbc reads this property first).
    System.setProperty("org.postgresql.pgpassfile", plan.resolveSibling("pgpass").toString());
    IFn eval0 = Clojure.var("clojure.core", "eval");
    IFn read0 = Clojure.var("clojure.core", "read-string");
    Object readPlan = ((IFn) eval0.invoke(read0.invoke(change))).invoke(
        Clojure.var(NS, "read-plan!").invoke(plan.toString()));
    assertFalse(Files.exists(plan), "the main deletes the plan once read");
    IFn eval = Clojure.var("clojure.core", "eval");
    IFn read = Clojure.var("clojure.core", "read-string");
    long start = System.nanoTime();
    Map<?, ?> r = (Map<?, ?>) ((IFn) eval.invoke(read.invoke(
        "(fn [plan api] (let [o (java.io.StringWriter.) e (java.io.StringWriter.)]"
            + " (binding [*out* o *err* e] (let [r (" + NS + "/run plan api)]"
            + " {:result r :out (str o) :err (str e)}))))"))).invoke(readPlan, api);
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.println(r.get(Keyword.intern("out")) + "" + r.get(Keyword.intern("err"))
        + "(" + millis + " ms)");
    return new Outcome((Map<?, ?>) r.get(Keyword.intern("result")),
        (String) r.get(Keyword.intern("out")), (String) r.get(Keyword.intern("err")), millis);
  }

  static Object exit(Outcome o) {
    return o.result().get(Keyword.intern("exit"));
  }

  static void createTable(Database db) {
    db.execute("CREATE TABLE datomic_kvs (id text NOT NULL, rev integer, map text, val bytea,"
        + " CONSTRAINT pk_id PRIMARY KEY (id))");
    db.execute("GRANT ALL ON datomic_kvs TO " + PostgresServer.ident(db.user()));
  }

  @Test
  void withTheTableButNoDatabaseTheBootNamesTheMissingDatabaseAndTheCommand()
      throws IOException {
    Database db = PG.newDatabase();
    createTable(db);
    Map<String, String> env = env(db, "orders");
    env.put("DATOMIC_PEER_SERVER_TRANSACTOR_WAIT", "120"); // Datomic's answer within the wait
    Outcome o = run(boot(env).serve(DYNO));
    assertEquals(1L, exit(o), o.toString());
    assertTrue(o.err().contains(" !     Error: Datomic database 'orders' does not exist in this"
        + " storage."), o.err());
    assertTrue(o.err().contains("heroku run datomic-buildpack create-database orders"), o.err());
    assertTrue(o.err().contains("DATOMIC_PEER_SERVER_CREATE_DATABASES=true"), o.err());
    assertFalse(o.result().containsKey(Keyword.intern("serve")), "the peer server is not started");
    assertFalse(o.out().contains(db.password()) || o.err().contains(db.password()));
  }

  @Test
  void underHerokuLocalTheMainsAdviceIsHerokuLocalsNotTheCli() throws IOException {
    Database db = PG.newDatabase();
    createTable(db);
    Map<String, String> env = env(db, "orders");
    env.remove("DYNO"); // heroku local and foreman set none
    Outcome o = run(boot(env).serve(DYNO));
    assertEquals(1L, exit(o), o.toString());
    assertTrue(o.err().contains(" !       datomic-buildpack create-database orders\n"), o.err());
    assertTrue(o.err().contains("DATOMIC_PEER_SERVER_CREATE_DATABASES=true in .env"), o.err());
    assertFalse(o.err().contains("heroku run") || o.err().contains("heroku config:set"),
        o.err());
  }

  @Test
  void createDatabaseWithoutATransactorEndsWithinItsBoundWithTheNoTransactorMessage()
      throws IOException {
    Database db = PG.newDatabase();
    createTable(db);
    Outcome o = run(boot(env(db, "orders")).create(List.of("orders"), DYNO));
    assertEquals(1L, exit(o), o.toString());
    assertTrue(o.err().contains(" !     Error: no transactor is running for this storage; start"
        + " one with heroku ps:scale transactor=1"), o.err());
    assertTrue(o.err().matches("(?s).*for 4 s \\(([2-9]|\\d\\d) attempts\\).*"),
        "retried with backoff: " + o.err());
    assertTrue(o.millis() >= 4000, "waited for the transactor: " + o.millis() + " ms\n" + o);
    assertTrue(o.millis() < 60_000, "gave up within the bound: " + o.millis() + " ms");
    assertTrue(o.out().contains("Creating Datomic databases: orders"), o.out());
  }

  @Test
  void theBootWithCreateDatabasesTakesTheSamePathAndEndsTheSameWay() throws IOException {
    Database db = PG.newDatabase();
    createTable(db);
    Map<String, String> env = env(db, "orders,billing");
    env.put("DATOMIC_PEER_SERVER_CREATE_DATABASES", "true");
    Outcome o = run(boot(env).serve(DYNO));
    assertEquals(1L, exit(o), o.toString());
    assertTrue(o.err().contains("no transactor is running for this storage"), o.err());
    assertTrue(o.err().contains("'orders'"), o.err());
    assertTrue(o.millis() >= 4000 && o.millis() < 60_000, o.millis() + " ms");
  }

  @Test
  void storageNoTransactorHasUsedIsNamedAsSuch() throws IOException {
    Database db = PG.newDatabase(); // no datomic_kvs table
    Map<String, String> env = env(db, "orders");
    // Datomic reports a missing table after its own retries (about 13 s): within the wait.
    env.put("DATOMIC_PEER_SERVER_TRANSACTOR_WAIT", "120");
    Outcome o = run(boot(env).serve(DYNO));
    assertEquals(1L, exit(o), o.toString());
    assertTrue(o.err().contains("This storage has no datomic_kvs table"), o.err());
    assertTrue(o.err().contains("heroku ps:scale transactor=1"), o.err());
  }

  @Test
  void systemPropertiesOfThePlanAreSetBeforeDatomicReadsThem() throws IOException {
    Database db = PG.newDatabase();
    createTable(db);
    // The peer-side options of the app (a metrics callback, memcached with a password), through
    // the same path as on a dyno.
    Map<String, String> env = env(db, "orders");
    env.put("DATOMIC_METRICS_CALLBACK", "my.ns/handler");
    env.put("DATOMIC_MEMCACHED", "127.0.0.1:11211");
    env.put("DATOMIC_MEMCACHED_USERNAME", "mc-user");
    env.put("DATOMIC_MEMCACHED_PASSWORD", "mc-secret-31");
    List<String> command = boot(env).serve(DYNO).command();
    Path plan = Path.of(command.get(command.size() - 1));
    Object read = Clojure.var(NS, "read-plan!").invoke(plan.toString());
    List<String> names = List.of("datomic.metricsCallback", "datomic.memcachedServers",
        "datomic.memcachedUsername", "datomic.memcachedPassword");
    try {
      Clojure.var(NS, "set-system-properties!").invoke(
          ((Map<?, ?>) read).get(Keyword.intern("system-properties")));
      assertEquals("my.ns/handler", System.getProperty("datomic.metricsCallback"));
      assertEquals("mc-secret-31", System.getProperty("datomic.memcachedPassword"));
    } finally {
      names.forEach(System::clearProperty); // other tests' peers in this JVM use no memcached
    }
    assertEquals("failed with ********", Clojure.var(NS, "mask").invoke(
        ((Map<?, ?>) read).get(Keyword.intern("mask-rules")), "failed with mc-secret-31"),
        "secret properties are masked in the main's messages");
  }

  /** The plan's database URIs with the storage's port replaced by {@code port}. */
  static String onPort(int port) {
    return "(fn [plan] (update plan :databases (fn [dbs] (mapv (fn [[n u]] [n"
        + " (clojure.string/replace u \":" + PG.port() + "/\" \":" + port + "/\")]) dbs))))";
  }

  /**
   * Storage that stops answering between the boot's own check and Datomic's connection (TCP
   * accepted, nothing ever said, as a hung database or proxy does): the check, in create mode and
   * at the peer server's boot, ends when DATOMIC_PEER_SERVER_TRANSACTOR_WAIT says, with what it
   * was waiting for, whatever Datomic's own calls do (they kept it waiting for minutes).
   */
  @ParameterizedTest
  @ValueSource(strings = {"create", "serve"})
  void storageThatNeverAnswersEndsTheCheckWithinTheWait(String mode) throws IOException {
    Database db = PG.newDatabase();
    createTable(db);
    Map<String, String> env = env(db, "orders");
    // Without TLS: this JVM's newer driver bounds a TLS request by itself, the distributions'
    // drivers do not; the login after it waits as long as the server, in every version.
    env.put("DATOMIC_SQL_SSLMODE", "disable");
    PeerServerBoot boot = boot(env);
    ExecPlan exec = mode.equals("create") ? boot.create(List.of("orders"), DYNO)
        : boot.serve(DYNO);
    try (SilentPort silent = new SilentPort()) {
      Outcome o = assertTimeoutPreemptively(Duration.ofSeconds(90),
          () -> run(exec, onPort(silent.port())), "the check kept waiting");
      assertEquals(1L, exit(o), o.toString());
      assertTrue(o.err().contains(" !     Error: Datomic did not answer for database 'orders'"
          + " within 4 s."), o.err());
      assertTrue(o.err().contains("It was still waiting for Postgres 127.0.0.1:" + PG.port() + "/"
          + db.name() + " as " + db.user()), o.err());
      assertTrue(o.err().contains("DATOMIC_PEER_SERVER_TRANSACTOR_WAIT"), o.err());
      assertTrue(o.millis() < 4000 + 1500, "the 4 s wait held: " + o.millis() + " ms");
      assertTrue(silent.connections() >= 1, "Datomic did connect to the silent port");
      assertFalse(o.result().containsKey(Keyword.intern("serve")), "the peer server is not started");
    }
  }

  /**
   * Credentials refused after the boot's own check (a rotation in between): Datomic's connection
   * pool logs a stack trace for every connection it fails to open. The message names the reason
   * in one line; the pool's log and the stack trace are behind DATOMIC_BUILDPACK_DEBUG.
   */
  @Test
  void aFailureInsideDatomicIsOneReasonWithItsDetailBehindTheDebugSwitch() throws IOException {
    Database db = PG.newDatabase();
    createTable(db);
    Map<String, String> env = env(db, "orders");
    // Datomic reports refused credentials after its own retries (about 13 s): within the wait.
    env.put("DATOMIC_PEER_SERVER_TRANSACTOR_WAIT", "120");
    ExecPlan exec = boot(env).create(List.of("orders"), DYNO);
    Path planFile = Path.of(exec.command().get(exec.command().size() - 1));
    String plan = Files.readString(planFile); // run again below, with the switch on
    PG.setPassword(db.user(), PostgresServer.randomToken());
    Logger pool = Logger.getLogger("org.apache.tomcat.jdbc.pool");
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord r) {
        records.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    pool.addHandler(handler);
    try {
      Outcome o = run(exec);
      assertEquals(1L, exit(o), o.toString());
      assertTrue(o.err().contains(" !     Error: Datomic could not open database 'orders':"
          + " Postgres refused the credentials (password authentication failed for user \""
          + db.user() + "\")."), o.err());
      assertTrue(o.err().contains("Storage: Postgres 127.0.0.1:" + PG.port()), o.err());
      assertTrue(o.err().contains("heroku config:set DATOMIC_BUILDPACK_DEBUG=1"), o.err());
      assertFalse(o.err().contains("\tat ") || o.err().contains("Exception"), o.err());
      assertTrue(o.err().strip().lines().count() <= 4, o.err());
      assertEquals(List.of(), records.stream().map(LogRecord::getMessage).toList(),
          "the pool logged nothing");

      Files.writeString(planFile, plan);
      Outcome debug = run(exec, "(fn [plan] (assoc plan :debug true))");
      assertTrue(debug.err().contains("Postgres refused the credentials"), debug.err());
      assertTrue(debug.err().contains("Datomic's own report follows"), debug.err());
      assertTrue(debug.err().contains("\tat "), "the stack trace: " + debug.err());
      assertFalse(records.isEmpty(), "with the switch on, the pool logs as Datomic does");
    } finally {
      pool.removeHandler(handler);
    }
  }

  /**
   * A failure whose exceptions carry no message still gets a reason: the kind of each cause,
   * in order.
   */
  @Test
  void aCauseWithoutAMessageIsNamedByItsKind() {
    Object reason = Clojure.var(NS, "why").invoke(new RuntimeException(
        new IllegalStateException((String) null)));
    assertEquals("IllegalStateException (without a message)", reason);
    assertEquals("a host name not found (DNS)",
        Clojure.var(NS, "why").invoke(new RuntimeException("could not open",
            new java.io.IOException(new java.net.UnknownHostException()))));
  }

  /**
   * The main masks Datomic's messages by the buildpack's one rule, from the plan: the value of a
   * parameter whose name says it is a secret, whatever its case; a registered secret only as a
   * whole token, and only when long enough: never inside a word or a number.
   */
  @Test
  void masksDatomicsMessagesByTheSameRuleAsTheJavaSide() {
    Secrets secrets = new Secrets().add("datomic").add("8").add("in")
        .add("sk-main-secret-0123456789").add("p@ss/w:rd-long");
    List<String> texts = List.of(
        "jdbc:postgresql://h/db?user=u&password=p%40ss&sslmode=require failed",
        "jdbc:postgresql://h/db?sslpassword=k3y-pass&user=u",
        "jdbc:postgresql://h/db?PGPASSWORD=hunter2&sslmode=require",
        "{:uri \"datomic:sql://orders?jdbc:postgresql://h/db?user=u&Api_Key=zz\"}",
        "datomic:sql://orders failed; -Ddatomic.metricsCallback=x, listen 10.0.0.8:8998",
        "memory-index-max=512m memory-index-threshold=32m in",
        "with sk-main-secret-0123456789 in it, not sk-main-secret-0123456789abc",
        "bad (p@ss/w:rd-long)",
        "heroku config:set DATOMIC_PEER_SERVER_SECRET=$(openssl rand -hex 24)");
    List<String> expected = List.of(
        "jdbc:postgresql://h/db?user=u&password=********&sslmode=require failed",
        "jdbc:postgresql://h/db?sslpassword=********&user=u",
        "jdbc:postgresql://h/db?PGPASSWORD=********&sslmode=require",
        "{:uri \"datomic:sql://orders?jdbc:postgresql://h/db?user=u&Api_Key=********",
        "datomic:sql://orders failed; -Ddatomic.metricsCallback=x, listen 10.0.0.8:8998",
        "memory-index-max=512m memory-index-threshold=32m in",
        "with ******** in it, not sk-main-secret-0123456789abc",
        "bad (********)",
        "heroku config:set DATOMIC_PEER_SERVER_SECRET=$(openssl rand -hex 24)");
    IFn mask = Clojure.var(NS, "mask");
    for (int i = 0; i < texts.size(); i++) {
      assertEquals(expected.get(i), secrets.mask(texts.get(i)), "Java: " + texts.get(i));
      assertEquals(expected.get(i), mask.invoke(secrets.rules(), texts.get(i)),
          "Clojure: " + texts.get(i));
    }
  }
}
