package datomic.buildpack.transactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.local.PostgresServer;
import datomic.buildpack.local.PostgresServer.Database;
import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Dyno;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A transactor dyno's boot, end to end: a compiled fixture app's Procfile commands run as
 * Heroku would run them, against a real PostgreSQL the test starts, with the stub transactor
 * recording what it was given.
 */
class TransactorBootTest {
  static final PostgresServer PG = PostgresServer.shared();
  static final long GB = 1024L * 1024 * 1024;
  @TempDir static Path shared;
  static BuildFixture app;

  @TempDir Path tmp;

  @BeforeAll
  static void compileOnce() {
    app = BuildFixture.of("minimal-transactor", shared).withDistribution();
    app.compileOk();
  }

  @AfterAll
  static void close() {
    app.close();
  }

  /** Config vars of a transactor dyno in a Private Space with {@code bytes} of memory. */
  Map<String, String> dyno(String name, long bytes) throws IOException {
    Path cgroup = Files.createDirectories(tmp.resolve("cgroup-" + name + "-" + bytes));
    Files.writeString(cgroup.resolve("memory.max"), Long.toString(bytes));
    Map<String, String> env = new HashMap<>();
    env.put("DYNO", name);
    env.put("HEROKU_PRIVATE_IP", "10.0.0." + name.substring(name.indexOf('.') + 1));
    env.put("DATOMIC_BUILDPACK_CGROUP_ROOT", cgroup.toString());
    return env;
  }

  Map<String, String> dyno(String name, Database db) throws IOException {
    Map<String, String> env = dyno(name, GB);
    env.put("DATABASE_URL", db.url());
    return env;
  }

  Dyno start(Map<String, String> env) {
    return Dyno.start(app.build(), "transactor", env, tmp.resolve("dynos"));
  }

  static List<List<String>> kvsColumns(Database db) {
    return db.query("SELECT column_name, data_type, is_nullable FROM information_schema.columns"
        + " WHERE table_name = 'datomic_kvs' ORDER BY ordinal_position");
  }

  @Test
  void bootsOnPostgresWithSqlPropertiesAndTheHostOfThePrivateSpace() throws IOException {
    Database db = PG.newDatabase();
    try (Dyno dyno = start(dyno("transactor.1", db))) {
      assertTrue(dyno.awaitStarted(60), dyno.output());
      assertEquals(List.of(List.of("id", "text", "NO"), List.of("rev", "integer", "YES"),
          List.of("map", "text", "YES"), List.of("val", "bytea", "YES")), kvsColumns(db));
      assertEquals(List.of(List.of("id")), db.query("SELECT a.attname FROM pg_index i JOIN"
          + " pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
          + " WHERE i.indrelid = 'datomic_kvs'::regclass AND i.indisprimary"));

      Properties p = dyno.properties();
      assertEquals("sql", p.getProperty("protocol"));
      assertEquals("jdbc:postgresql://127.0.0.1:" + PG.port() + "/" + db.name()
          + "?sslmode=require", p.getProperty("sql-url"));
      assertEquals(db.user(), p.getProperty("sql-user"));
      assertEquals(db.password(), p.getProperty("sql-password"));
      assertEquals("org.postgresql.Driver", p.getProperty("sql-driver-class"));
      assertEquals("10.0.0.1", p.getProperty("host"));
      assertEquals("4334", p.getProperty("port"));

      assertFalse(dyno.output().contains(db.password()), "password leaked:\n" + dyno.output());
      assertTrue(dyno.stdout().contains("System started"));
      assertEquals(Long.toString(dyno.pid()), dyno.argument("PID"),
          "bin/transactor replaced the launcher (exec), no JVM of ours stays resident");
      assertEquals("rw-------", PosixFilePermissions.toString(
          Files.getPosixFilePermissions(Path.of(dyno.argument("PROPS")))));
      List<String> opts = dyno.arguments().get("OPT");
      assertTrue(opts.contains("-Ddatomic.printConnectionInfo=false"), opts.toString());
      assertTrue(opts.contains("-XX:+UseG1GC"), opts.toString());
      assertTrue(opts.stream().anyMatch(o -> o.startsWith("-Dlogback.configurationFile=")));
      assertEquals(0, dyno.stop());
    }
  }

  @Test
  void eachBootReplacesThePropertiesInTheDynosOnePrivateFolderLeavingNothingBehind()
      throws IOException {
    Map<String, String> env = dyno("transactor.1", GB);
    Path tmpdir = Files.createDirectories(tmp.resolve("dyno-tmp"));
    env.put("TMPDIR", tmpdir.toString());
    Path first;
    try (Dyno dyno = start(env)) {
      assertTrue(dyno.awaitStarted(60), dyno.output());
      first = Path.of(dyno.argument("PROPS"));
      assertEquals(0, dyno.stop());
    }
    Path folder = first.getParent();
    assertEquals(tmpdir, folder.getParent(), "the folder is in the dyno's TMPDIR");
    assertTrue(folder.getFileName().toString().startsWith("datomic-transactor.1-"), folder.toString());
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
    Files.writeString(folder.resolve("left-by-a-crash"), "stale");
    for (int boot = 2; boot <= 3; boot++) {
      try (Dyno dyno = start(env)) {
        assertTrue(dyno.awaitStarted(60), dyno.output());
        assertEquals(first.toString(), dyno.argument("PROPS"), "boot " + boot);
        assertEquals(0, dyno.stop());
      }
    }
    try (var inTmp = Files.list(tmpdir); var inFolder = Files.list(folder)) {
      assertEquals(List.of(folder), inTmp.toList(), "one folder, whatever the number of boots");
      assertEquals(List.of(first), inFolder.toList(), "only this boot's properties");
    }
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(first)));
  }

  @Test
  void aRuntimeFolderThatIsALinkIsRefused() throws IOException {
    Map<String, String> env = dyno("transactor.1", GB);
    Path tmpdir = Files.createDirectories(tmp.resolve("dyno-tmp"));
    env.put("TMPDIR", tmpdir.toString());
    Path folder;
    try (Dyno dyno = start(env)) {
      assertTrue(dyno.awaitStarted(60), dyno.output());
      folder = Path.of(dyno.argument("PROPS")).getParent();
    }
    datomic.buildpack.files.Trees.delete(folder);
    Path elsewhere = Files.createDirectories(tmp.resolve("someone-elses"));
    Files.createSymbolicLink(folder, elsewhere);
    try (Dyno dyno = start(env)) {
      assertNotEquals(0, dyno.awaitExit(60), dyno.output());
      assertTrue(dyno.stderr().contains("is not a private folder of this user"), dyno.stderr());
    }
    try (var files = Files.list(elsewhere)) {
      assertEquals(0, files.count(), "nothing written through the link");
    }
  }

  @Test
  void licenceKeyAndMemcachedPasswordReachTheTransactorButNoLog() throws IOException {
    Database db = PG.newDatabase();
    Map<String, String> env = dyno("transactor.1", db);
    env.put("DATOMIC_TRANSACTOR_KEY", "txkey-5d2a8e");
    env.put("DATOMIC_MEMCACHED", "127.0.0.1:11211");
    env.put("DATOMIC_MEMCACHED_PASSWORD", "mc-pw-77aa0");
    try (Dyno dyno = start(env)) {
      assertTrue(dyno.awaitStarted(60), dyno.output());
      assertEquals("txkey-5d2a8e", dyno.properties().getProperty("license-key"));
      assertEquals("mc-pw-77aa0", dyno.properties().getProperty("memcached-password"));
      assertEquals("127.0.0.1:11211", dyno.properties().getProperty("memcached"));
      for (String secret : List.of("txkey-5d2a8e", "mc-pw-77aa0", db.password())) {
        assertFalse(dyno.output().contains(secret), secret + " leaked:\n" + dyno.output());
      }
    }
  }

  @Test
  void freeEditionIgnoresTheDatabaseAndUsesFreeStorage() throws IOException {
    Path free = tmp.resolve("free");
    try (BuildFixture freeApp = BuildFixture.of("minimal-transactor", free).withDistribution(
        datomic.buildpack.local.FakeDistribution.from(datomic.buildpack.testsupport.Repo
            .distSources()).edition("free").version("0.9.5703"), "free")) {
      freeApp.setVar("DATOMIC_VERSION", "0.9.5703");
      freeApp.compileOk();
      Map<String, String> env = dyno("transactor.1", PG.newDatabase());
      try (Dyno dyno = Dyno.start(freeApp.build(), "transactor", env, tmp.resolve("d"))) {
        assertTrue(dyno.awaitStarted(60), dyno.output());
        assertEquals("free", dyno.properties().getProperty("protocol"));
        assertTrue(dyno.stderr().contains("Datomic Free cannot store data in Postgres"),
            dyno.stderr());
      }
      try (Dyno standby = Dyno.start(freeApp.build(), "transactor",
          dyno("transactor.2", GB), tmp.resolve("d2"))) {
        assertNotEquals(0, standby.awaitExit(60), standby.output());
        assertTrue(standby.stderr().contains("cannot run as a standby with free storage"),
            standby.stderr());
      }
    }
  }

  @Test
  void fourDynosBootingAtOnceOnAnEmptyDatabaseAllStartAndOneCreatesTheTable()
      throws IOException {
    Database db = PG.newDatabase();
    List<Dyno> dynos = new ArrayList<>();
    try {
      for (int i = 1; i <= 4; i++) {
        dynos.add(start(dyno("transactor." + i, db)));
      }
      int created = 0;
      for (Dyno d : dynos) {
        assertTrue(d.awaitStarted(90), d.output());
        created += d.stdout().contains("created table datomic_kvs") ? 1 : 0;
      }
      assertEquals(1, created, "exactly one boot created the table");
      assertEquals(4, kvsColumns(db).size());
    } finally {
      dynos.forEach(Dyno::close);
    }
  }

  @Test
  void existingTableWithRowsIsLeftByteForByteIntact() throws IOException {
    Database db = PG.newDatabase();
    db.execute("CREATE TABLE datomic_kvs (id text NOT NULL, rev integer, map text, val bytea,"
        + " CONSTRAINT pk_id PRIMARY KEY (id))");
    db.execute("ALTER TABLE datomic_kvs OWNER TO " + PostgresServer.ident(db.user()));
    db.execute("INSERT INTO datomic_kvs VALUES ('pod-catalog', 7, '{:a 1}', '\\x00ff10'),"
        + " ('root', NULL, NULL, NULL)");
    String dump = "SELECT id, rev, map, encode(val, 'hex'), xmin::text FROM datomic_kvs ORDER BY id";
    List<List<String>> before = db.query(dump);
    try (Dyno dyno = start(dyno("transactor.1", db))) {
      assertTrue(dyno.awaitStarted(60), dyno.output());
      assertTrue(dyno.stdout().contains("already present"), dyno.stdout());
    }
    assertEquals(before, db.query(dump));
  }

  @Test
  void wrongShapeTableIsRefusedAndUntouched() throws IOException {
    Database db = PG.newDatabase();
    db.execute("CREATE TABLE datomic_kvs (id text PRIMARY KEY, val text)");
    db.execute("INSERT INTO datomic_kvs VALUES ('k', 'v')");
    try (Dyno dyno = start(dyno("transactor.1", db))) {
      assertNotEquals(0, dyno.awaitExit(60), dyno.output());
      assertTrue(dyno.stderr().contains(" !     Error: "), dyno.stderr());
      assertTrue(dyno.stderr().contains("wrong shape"), dyno.stderr());
      assertTrue(dyno.stderr().contains("val"), dyno.stderr());
      assertFalse(dyno.stdout().contains("System started"));
    }
    assertEquals(List.of(List.of("k", "v")), db.query("SELECT id, val FROM datomic_kvs"));
  }

  @Test
  void roleWithoutCreatePrivilegeIsRefusedWithTheStatementToRun() throws IOException {
    Database db = PG.newDatabaseWithoutCreate();
    try (Dyno dyno = start(dyno("transactor.1", db))) {
      assertNotEquals(0, dyno.awaitExit(60), dyno.output());
      assertTrue(dyno.stderr().contains("may not create table datomic_kvs"), dyno.stderr());
      assertTrue(dyno.stderr().contains("CREATE TABLE datomic_kvs"), dyno.stderr());
      assertFalse(dyno.output().contains(db.password()));
    }
  }

  @Test
  void unreachableDatabaseExitsNonZeroAfterBoundedRetries() throws IOException {
    Map<String, String> env = dyno("transactor.1", GB);
    env.put("DATABASE_URL", "postgres://app:s3cret-pw@127.0.0.1:" + PostgresServer.closedPort()
        + "/db");
    env.put("DATOMIC_STORAGE_CONNECT_ATTEMPTS", "3");
    env.put("DATOMIC_BUILDPACK_BACKOFF_MS", "20");
    try (Dyno dyno = start(env)) {
      assertNotEquals(0, dyno.awaitExit(60), dyno.output());
      assertTrue(dyno.stderr().contains("after 3 attempts"), dyno.output());
      assertFalse(dyno.output().contains("s3cret-pw"), dyno.output());
    }
  }

  @Test
  void malformedDatabaseUrlIsRefusedWithThePasswordMasked() throws IOException {
    Map<String, String> env = dyno("transactor.1", GB);
    env.put("DATABASE_URL", "postgres://app:pa55-w0rd@db.example.com:notaport/d");
    try (Dyno dyno = start(env)) {
      assertNotEquals(0, dyno.awaitExit(60), dyno.output());
      assertTrue(dyno.stderr().contains(" !     Error: DATABASE_URL is not a usable Postgres URL"),
          dyno.stderr());
      assertTrue(dyno.stderr().contains("postgres://app:********@"), dyno.stderr());
      assertFalse(dyno.output().contains("pa55-w0rd"), dyno.output());
      assertFalse(dyno.stdout().contains("System started"));
    }
  }

  @Test
  void wrongPasswordIsRefusedAtOnceWithoutShowingIt() throws IOException {
    Database db = PG.newDatabase();
    Map<String, String> env = dyno("transactor.1", GB);
    env.put("DATABASE_URL", new Database(PG, db.name(), db.user(), "not-the-pw-4711").url());
    try (Dyno dyno = start(env)) {
      assertNotEquals(0, dyno.awaitExit(60), dyno.output());
      assertTrue(dyno.stderr().contains("refused the credentials"), dyno.stderr());
      assertFalse(dyno.output().contains("not-the-pw-4711"), dyno.output());
    }
  }

  @Test
  void rotatedPasswordIsPickedUpAtTheNextBootWithoutARebuild() throws IOException {
    Database db = PG.newDatabase();
    try (Dyno first = start(dyno("transactor.1", db))) {
      assertTrue(first.awaitStarted(60), first.output());
      assertEquals(db.password(), first.properties().getProperty("sql-password"));
      first.stop();
    }
    String rotated = PostgresServer.randomToken();
    PG.setPassword(db.user(), rotated);
    Database after = new Database(PG, db.name(), db.user(), rotated);
    try (Dyno stale = start(dyno("transactor.1", db))) {
      assertNotEquals(0, stale.awaitExit(60), "the old password no longer works");
      assertFalse(stale.output().contains(db.password()));
    }
    try (Dyno second = start(dyno("transactor.1", after))) {
      assertTrue(second.awaitStarted(60), second.output());
      assertEquals(rotated, second.properties().getProperty("sql-password"));
      assertFalse(second.output().contains(rotated));
    }
  }

  @ParameterizedTest(name = "{0} MB dyno")
  @CsvSource({
    "512,   256m,  32m,  64m,   32m",
    "1024,  768m,  32m, 192m,   96m",
    "2560, 1920m,  32m, 330m,  390m",
    "14336, 10752m, 32m, 512m, 3520m",
  })
  void sizesMemoryForTheDyno(long dynoMb, String heap, String threshold, String indexMax,
      String cacheMax) throws IOException {
    try (Dyno dyno = start(dyno("transactor.1", dynoMb << 20))) {
      assertTrue(dyno.awaitStarted(60), dyno.output());
      assertEquals(heap, dyno.argument("XMX"));
      assertEquals(heap, dyno.argument("XMS"));
      Properties p = dyno.properties();
      assertEquals(threshold, p.getProperty("memory-index-threshold"));
      assertEquals(indexMax, p.getProperty("memory-index-max"));
      assertEquals(cacheMax, p.getProperty("object-cache-max"));
      assertEquals(dynoMb < 1024, dyno.stderr().contains("needs at least 1 GB"), dyno.stderr());
    }
  }

  @Test
  void readsTheLimitFromCgroupV1Too() throws IOException {
    Map<String, String> env = dyno("transactor.1", GB);
    Path v1 = Files.createDirectories(tmp.resolve("cgroup-v1/memory"));
    Files.writeString(v1.resolve("memory.limit_in_bytes"), Long.toString(2560L << 20));
    env.put("DATOMIC_BUILDPACK_CGROUP_ROOT", v1.getParent().toString());
    try (Dyno dyno = start(env)) {
      assertTrue(dyno.awaitStarted(60), dyno.output());
      assertEquals("1920m", dyno.argument("XMX"));
    }
  }

  @Test
  void memoryOverrideBreakingTheSeventyFivePercentRuleIsRefusedWithTheNumbers()
      throws IOException {
    Map<String, String> env = dyno("transactor.1", GB);
    env.put("DATOMIC_OBJECT_CACHE_MAX", "512m");
    try (Dyno dyno = start(env)) {
      assertNotEquals(0, dyno.awaitExit(60), dyno.output());
      String err = dyno.stderr();
      assertTrue(err.contains("exceed 75% of the heap"), err);
      assertTrue(err.contains("object-cache-max=512m (config var DATOMIC_OBJECT_CACHE_MAX)"), err);
      assertTrue(err.contains("75% of the 768m heap"), err);
      assertTrue(err.contains("576m"), err);
    }
  }

  @Test
  void heapLargerThanTheDynoIsRefused() throws IOException {
    Map<String, String> env = dyno("transactor.1", GB);
    env.put("DATOMIC_XMX", "2g");
    try (Dyno dyno = start(env)) {
      assertNotEquals(0, dyno.awaitExit(60), dyno.output());
      assertTrue(dyno.stderr().contains("does not fit this dyno's 1024 MB"), dyno.stderr());
    }
  }

  @Test
  void configVarsOverrideTheAppsPropertiesAndDerivedMemory() throws IOException {
    Map<String, String> env = dyno("transactor.1", 4 * GB);
    env.put("DATOMIC_HEARTBEAT_INTERVAL_MSEC", "10000");
    env.put("DATOMIC_XMX", "2g");
    env.put("DATOMIC_MEMORY_INDEX_MAX", "300m");
    try (Dyno dyno = start(env)) {
      assertTrue(dyno.awaitStarted(60), dyno.output());
      Properties p = dyno.properties();
      assertEquals("10000", p.getProperty("heartbeat-interval-msec"));
      assertEquals("300m", p.getProperty("memory-index-max"));
      assertEquals("2g", dyno.argument("XMX"));
      assertTrue(dyno.stdout().contains("(config var DATOMIC_HEARTBEAT_INTERVAL_MSEC)"));
    }
  }

  @Test
  void extraClasspathEntriesAreResolvedAgainstTheAppRoot() throws IOException {
    Map<String, String> env = dyno("transactor.1", GB);
    env.put("DATOMIC_EXT_CLASSPATH", "lib/metrics.jar:/opt/other.jar");
    try (Dyno dyno = start(env)) {
      assertTrue(dyno.awaitStarted(60), dyno.output());
      assertEquals(app.build().resolve(".datomic/clj") + ":" + app.build().resolve("lib/metrics.jar")
          + ":/opt/other.jar", dyno.argument("ENV_DATOMIC_EXT_CLASSPATH"));
    }
  }

  @Test
  void aFixedHostOnAStandbyGetsAWarning() throws IOException {
    Database db = PG.newDatabase();
    Map<String, String> env = dyno("transactor.2", db);
    env.put("DATOMIC_HOST", "10.9.9.9");
    try (Dyno dyno = start(env)) {
      assertTrue(dyno.awaitStarted(60), dyno.output());
      assertEquals("10.9.9.9", dyno.properties().getProperty("host"));
      assertTrue(dyno.stderr().contains("DATOMIC_HOST gives every transactor dyno the same"),
          dyno.stderr());
    }
  }

  @Test
  void heapSettingsFromOtherBuildpacksDoNotDoubleUp() throws IOException {
    Map<String, String> env = dyno("transactor.1", GB);
    env.put("JAVA_OPTS", "-Xmx300m -Dapp.flag=1");
    env.put("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=80.0 -Xss512k");
    try (Dyno dyno = start(env)) {
      assertTrue(dyno.awaitStarted(60), dyno.output());
      assertEquals("-Dapp.flag=1", dyno.argument("ENV_JAVA_OPTS"));
      assertEquals("-Xss512k", dyno.argument("ENV_JAVA_TOOL_OPTIONS"));
      assertEquals("768m", dyno.argument("XMX"));
      assertFalse(dyno.stderr().contains("Picked up JAVA_TOOL_OPTIONS"), dyno.stderr());
    }
  }

  @Test
  void twoTransactorDynosOnOnePostgresBothStartAndAdvertiseTheirOwnAddresses()
      throws IOException {
    Database db = PG.newDatabase();
    Map<String, String> one = dyno("transactor.1", db);
    one.put("HEROKU_DNS_DYNO_NAME", "1.transactor.my-xtor.app.localspace");
    Map<String, String> two = dyno("transactor.2", db);
    two.put("HEROKU_DNS_DYNO_NAME", "2.transactor.my-xtor.app.localspace");
    try (Dyno active = start(one); Dyno standby = start(two)) {
      assertTrue(active.awaitStarted(60), active.output());
      assertTrue(standby.awaitStarted(60), standby.output());
      assertEquals("10.0.0.1", active.properties().getProperty("host"));
      assertEquals("10.0.0.2", standby.properties().getProperty("host"));
      assertEquals("1.transactor.my-xtor.app.localspace",
          active.properties().getProperty("alt-host"));
      assertEquals("2.transactor.my-xtor.app.localspace",
          standby.properties().getProperty("alt-host"));
    }
  }

  @Test
  void secondDynoWithDevStorageIsRefusedAndTheFirstWarnsOfDataLoss() throws IOException {
    try (Dyno first = start(dyno("transactor.1", GB))) {
      assertTrue(first.awaitStarted(60), first.output());
      assertEquals("dev", first.properties().getProperty("protocol"));
      assertTrue(first.stderr().contains("ALL DATA IS LOST"), first.stderr());
    }
    try (Dyno second = start(dyno("transactor.2", GB))) {
      assertNotEquals(0, second.awaitExit(60), second.output());
      assertTrue(second.stderr().contains("transactor.2 cannot run as a standby"),
          second.stderr());
      assertTrue(second.stderr().contains("heroku ps:scale transactor=1"), second.stderr());
    }
  }

  @Test
  void releasePhasePreparesStorageAndFailsOnABadConfigVar() throws IOException {
    Database db = PG.newDatabase();
    Map<String, String> env = new HashMap<>(Map.of("DYNO", "release.1", "DATABASE_URL", db.url()));
    Run.Result ok = Run.of("bash", "-c", ".datomic/bin/datomic-buildpack release-phase")
        .in(app.build()).env(env).env("HOME", app.build().toString()).go();
    assertEquals(0, ok.exitCode(), ok.toString());
    assertEquals(4, kvsColumns(db).size(), "the release phase created the table");
    assertFalse(ok.all().contains(db.password()));

    env.put("DATOMIC_ENCRYPT_CHANNEL", "maybe");
    Run.Result bad = Run.of("bash", "-c", ".datomic/bin/datomic-buildpack release-phase")
        .in(app.build()).env(env).go();
    assertNotEquals(0, bad.exitCode());
    assertTrue(bad.stderr().contains("DATOMIC_ENCRYPT_CHANNEL=maybe"), bad.stderr());
  }

  @Test
  void releasePhaseLeavesTheSeventyFivePercentRuleToTheTransactorsOwnBoot() throws IOException {
    Database db = PG.newDatabase();
    Map<String, String> env = new HashMap<>(Map.of("DYNO", "release.1", "DATABASE_URL", db.url(),
        "DATOMIC_OBJECT_CACHE_MAX", "2g"));
    Run.Result release = Run.of(".datomic/bin/datomic-buildpack", "release-phase")
        .in(app.build()).env(env).go();
    assertEquals(0, release.exitCode(), "fits a 14 GB dyno: " + release);
    Map<String, String> big = dyno("transactor.1", 14336L << 20);
    big.putAll(env);
    big.put("DYNO", "transactor.1");
    try (Dyno dyno = start(big)) {
      assertTrue(dyno.awaitStarted(60), dyno.output());
    }
    env.put("DATOMIC_XMX", "2g");
    Run.Result tooSmall = Run.of(".datomic/bin/datomic-buildpack", "release-phase")
        .in(app.build()).env(env).go();
    assertNotEquals(0, tooSmall.exitCode(), "with a 2g heap set, 2g of cache is refused");
    assertTrue(tooSmall.stderr().contains("exceed 75% of the heap"), tooSmall.stderr());
  }

  @Test
  void peerUriMasksThePasswordUnlessAsked() {
    Database db = PG.newDatabase();
    Run.Result masked = Run.of(".datomic/bin/datomic-buildpack", "peer-uri", "my-db")
        .in(app.build()).env("DATABASE_URL", db.url()).go();
    assertEquals(0, masked.exitCode(), masked.toString());
    assertTrue(masked.stdout().startsWith("datomic:sql://my-db?jdbc:postgresql://127.0.0.1:"),
        masked.stdout());
    assertFalse(masked.stdout().contains(db.password()));
    Run.Result shown = Run.of(".datomic/bin/datomic-buildpack", "peer-uri", "my-db",
        "--show-password").in(app.build()).env("DATABASE_URL", db.url()).go();
    assertTrue(shown.stdout().contains(db.password()), shown.toString());
  }
}
