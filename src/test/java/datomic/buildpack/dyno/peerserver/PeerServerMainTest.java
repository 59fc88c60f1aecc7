package datomic.buildpack.dyno.peerserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import datomic.buildpack.slug.BuildInfo;
import datomic.buildpack.slug.SlugLayout;
import datomic.buildpack.testsupport.Locks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/**
 * The shipped Clojure main ({@code datomic_buildpack/peer_server.clj}) loaded with real Clojure
 * in this JVM, with the real Datomic peer library (com.datomic:peer) against the test
 * PostgreSQL, reading the plan the Java side writes. No transactor can run here: the paths that
 * need one are run up to Datomic's "no transactor" answer.
 */
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
    env.put("TMPDIR", Files.createDirectories(tmp.resolve("dyno-tmp")).toString());
    env.put("DATABASE_URL", db.url());
    env.put("DATOMIC_SQL_SSLMODE", PG.ssl() ? "require" : "disable");
    env.put("DATOMIC_PEER_SERVER_DATABASES", databases);
    env.put("DATOMIC_PEER_SERVER_ACCESS_KEY", "ak-1");
    env.put("DATOMIC_PEER_SERVER_SECRET", "sk-main-test-77");
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
    List<String> command = exec.command();
    Path plan = Path.of(command.get(command.size() - 1));
    // What PGPASSFILE does for the real process (pgjdbc reads this property first).
    System.setProperty("org.postgresql.pgpassfile", plan.resolveSibling("pgpass").toString());
    Object readPlan = Clojure.var(NS, "read-plan!").invoke(plan.toString());
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
    Outcome o = run(boot(env(db, "orders")).serve(DYNO));
    assertEquals(1L, exit(o), o.toString());
    assertTrue(o.err().contains(" !     Error: Datomic database 'orders' does not exist in this"
        + " storage."), o.err());
    assertTrue(o.err().contains("heroku run datomic-buildpack create-database orders"), o.err());
    assertTrue(o.err().contains("DATOMIC_PEER_SERVER_CREATE_DATABASES=true"), o.err());
    assertFalse(o.result().containsKey(Keyword.intern("serve")), "the peer server is not started");
    assertFalse(o.out().contains(db.password()) || o.err().contains(db.password()));
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
    Outcome o = run(boot(env(db, "orders")).serve(DYNO));
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
    assertTrue(((List<?>) ((Map<?, ?>) read).get(Keyword.intern("secrets")))
        .contains("mc-secret-31"), "secret properties are masked in the main's messages");
  }

  @Test
  void masksSecretsAndPasswordParametersInDatomicsMessages() {
    Object masked = Clojure.var(NS, "mask").invoke(List.of("sk-1"),
        "jdbc:postgresql://h/db?user=u&password=p%40ss&sslmode=require failed with sk-1");
    assertEquals("jdbc:postgresql://h/db?user=u&password=********&sslmode=require failed with"
        + " ********", masked);
  }
}
