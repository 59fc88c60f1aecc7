package datomic.buildpack.dyno.transactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.local.PostgresServer.Database;
import datomic.buildpack.local.PostgresServer;
import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Dyno;
import datomic.buildpack.testsupport.DynoEnv;
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
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A transactor dyno's boot, end to end: a compiled fixture app's Procfile commands run as
 * Heroku would run them, against a real PostgreSQL the test starts, with the stub transactor
 * recording what it was given.
 */
@Order(1) // one of the longest classes: started first (junit-platform.properties)
class TransactorBootIT {
  static final PostgresServer PG = PostgresServer.shared();
  static final long GB = 1024L * 1024 * 1024;
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

  /** Config vars of a transactor dyno in a Private Space with {@code bytes} of memory. */
  Map<String, String> dyno(String name, long bytes) throws IOException {
    Map<String, String> env = DynoEnv.of(name, tmp.resolve("cgroup-" + name + "-" + bytes), bytes);
    env.put("HEROKU_PRIVATE_IP", "10.0.0." + name.substring(name.indexOf('.') + 1));
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
          + "?sslmode=require&connectTimeout=10&loginTimeout=10&socketTimeout=60",
          p.getProperty("sql-url"));
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

  /**
   * The release phase checks the configuration of every process the app runs, not only the
   * registry's: a peer-server or backup setting that only fails when that dyno restarts fails the
   * release instead, and a good one passes, saying it was checked.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a key with a comma | DATOMIC_PEER_SERVER_ACCESS_KEY=a,b | contains a comma",
      "a half-set previous pair | DATOMIC_PEER_SERVER_PREVIOUS_ACCESS_KEY=old-key"
          + " | DATOMIC_PEER_SERVER_PREVIOUS_SECRET",
      "a bad database name | DATOMIC_PEER_SERVER_DATABASES=orders,no_such!"
          + " | database name 'no_such!'",
      "a bad backup URL | DATOMIC_BACKUP_URL=https://example.com/backups | is not usable",
      "a bad backup database | DATOMIC_BACKUP_DATABASES=no_such! | database name 'no_such!'",
  })
  void releasePhaseChecksEveryProcesssSettings(String what, String setting, String expected)
      throws IOException {
    Database db = PG.newDatabase();
    Map<String, String> env = new HashMap<>(Map.of("DYNO", "release.1", "DATABASE_URL", db.url(),
        "DATOMIC_PEER_SERVER_DATABASES", "orders", "DATOMIC_PEER_SERVER_ACCESS_KEY", "ak-1",
        "DATOMIC_PEER_SERVER_SECRET", "sk-release-check-1", "DATOMIC_BACKUP_URL",
        "file://" + tmp.resolve("backups")));
    Run.Result good = Run.of(".datomic/bin/datomic-buildpack", "release-phase")
        .in(app.build()).env(env).go();
    assertEquals(0, good.exitCode(), good.toString());
    assertTrue(good.stdout().contains("checked   the peer server's settings"), good.stdout());
    assertTrue(good.stdout().contains("checked   the backup settings"), good.stdout());

    String[] kv = setting.split("=", 2);
    env.put(kv[0], kv[1]);
    Run.Result bad = Run.of(".datomic/bin/datomic-buildpack", "release-phase")
        .in(app.build()).env(env).go();
    assertNotEquals(0, bad.exitCode(), what + ": " + bad);
    assertTrue(bad.stderr().contains(expected), what + ": " + bad.stderr());
    assertFalse(bad.all().contains("Release checks passed"), bad.all());
  }

  /**
   * A password the distribution's PostgreSQL driver cannot log in with: an emoji, which SASLprep
   * (as pgjdbc 42.5 runs it for scram-sha-256) refuses. The server takes it and so does this
   * JVM's newer driver, so without the check the release phase passed and every Datomic process
   * failed at boot, with pages of stack traces. The release phase refuses it, saying what to do,
   * and never shows it.
   */
  @Test
  void releasePhaseRefusesAPasswordTheDistributionsDriverCannotUse() throws Exception {
    Database db = PG.newDatabase();
    String emoji = new String(Character.toChars(0x1F600));
    String password = "pw-" + emoji + "-" + PostgresServer.randomToken();
    PG.setPassword(db.user(), password);
    Database withEmoji = new Database(PG, db.name(), db.user(), password);
    try (java.sql.Connection c = withEmoji.connect()) {
      assertTrue(c.isValid(5), "the server and this JVM's driver accept the password");
    }
    Run.Result release = Run.of(".datomic/bin/datomic-buildpack", "release-phase")
        .in(app.build()).env(Map.of("DYNO", "release.1", "DATABASE_URL", withEmoji.url())).go();
    assertNotEquals(0, release.exitCode(), release.toString());
    assertTrue(release.stderr().contains(" !     Error: DATABASE_URL's password holds a character"
        + " Unicode 3.2 did not have (an emoji, for instance): Datomic's PostgreSQL driver cannot"
        + " log in with it."), release.stderr());
    assertTrue(release.stderr().contains("heroku pg:credentials:rotate"), release.stderr());
    assertFalse(release.all().contains("Release checks passed"), release.all());
    assertFalse(release.all().contains(password) || release.all().contains(emoji),
        release.all());
    assertTrue(release.all().lines().count() < 20, release.all());
    assertEquals(List.of(), kvsColumns(db), "refused before storage was touched");
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

  /**
   * docs/configuration.md: storage keys in the app's transactor.properties are ignored with a
   * warning (storage comes from the database URL), and secrets there get a warning. A committed protocol or
   * sql-url never sends the transactor to other storage than the summary says.
   */
  @Test
  void storageKeysInTheAppsPropertiesAreIgnoredWithAWarning() throws IOException {
    Database db = PG.newDatabase();
    Path props = app.build().resolve("transactor.properties");
    String original = Files.readString(props);
    try {
      Files.writeString(props, original + "protocol=dev\nsql-url=jdbc:postgresql://elsewhere:5432/x"
          + "\nsql-user=someone\nlicense-key=committed-key-9f\n");
      try (Dyno dyno = start(dyno("transactor.1", db))) {
        assertTrue(dyno.awaitStarted(60), dyno.output());
        Properties p = dyno.properties();
        assertEquals("sql", p.getProperty("protocol"));
        assertEquals("jdbc:postgresql://127.0.0.1:" + PG.port() + "/" + db.name()
            + "?sslmode=require&connectTimeout=10&loginTimeout=10&socketTimeout=60",
            p.getProperty("sql-url"));
        assertEquals(db.user(), p.getProperty("sql-user"));
        assertTrue(dyno.stderr().contains("transactor.properties sets protocol, sql-url,"
            + " sql-user"), dyno.stderr());
        assertTrue(dyno.stderr().contains("Move them to config vars"), dyno.stderr());
        assertFalse(dyno.output().contains("committed-key-9f"), dyno.output());
      }
      try (Dyno noDatabase = start(dyno("transactor.1", GB))) {
        assertTrue(noDatabase.awaitStarted(60), noDatabase.output());
        assertEquals("dev", noDatabase.properties().getProperty("protocol"));
        assertEquals(null, noDatabase.properties().getProperty("sql-url"));
      }
    } finally {
      Files.writeString(props, original);
    }
  }

  /** The issue's case: a var named for storage that is not set booted on dev storage. */
  @Test
  void aNamedUrlVarThatIsNotSetFailsBootAndReleaseNamingTheVarsThatHoldPostgres()
      throws IOException {
    Database db = PG.newDatabase();
    Map<String, String> env = dyno("transactor.1", GB);
    env.put("DATOMIC_DATABASE_URL_VAR", "HEROKU_POSTGRESQL_RED_URL");
    env.put("HEROKU_POSTGRESQL_BLUE_URL", db.url());
    try (Dyno dyno = start(env)) {
      assertNotEquals(0, dyno.awaitExit(60), dyno.output());
      assertTrue(dyno.stderr().contains(" !     Error: DATOMIC_DATABASE_URL_VAR="
          + "HEROKU_POSTGRESQL_RED_URL, but config var HEROKU_POSTGRESQL_RED_URL is not set."),
          dyno.stderr());
      assertTrue(dyno.stderr().contains("Config vars that hold a Postgres URL:"
          + " HEROKU_POSTGRESQL_BLUE_URL."), dyno.stderr());
      assertFalse(dyno.stdout().contains("System started"), dyno.output());
      assertFalse(dyno.output().contains(db.password()), dyno.output());
    }
    env.put("DYNO", "release.1");
    Run.Result release = Run.of(".datomic/bin/datomic-buildpack", "release-phase")
        .in(app.build()).env(env).go();
    assertNotEquals(0, release.exitCode(), release.toString());
    assertTrue(release.stderr().contains("HEROKU_POSTGRESQL_RED_URL is not set"), release.stderr());
    assertFalse(release.all().contains("storage ready"), release.all());
    assertFalse(release.all().contains(db.password()), release.all());
  }

  /** A bad part of DATABASE_URL is named at once, never retried as "could not reach". */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a class-loading parameter | ?socketFactory=java.lang.String | its parameter socketFactory",
      "a TLS-weakening parameter | ?sslfactory=org.postgresql.ssl.NonValidatingFactory"
          + " | its parameter sslfactory",
      "a file-writing parameter  | ?loggerFile=/tmp/pg.log&loggerLevel=DEBUG | its parameter loggerFile",
      "a host override           | ?PGHOST=db.example.com | its parameter PGHOST",
  })
  void aRefusedPartOfTheUrlFailsBootAndReleaseAtOnceNamingIt(String name, String query,
      String expected) throws IOException {
    Database db = PG.newDatabase();
    Map<String, String> env = dyno("transactor.1", GB);
    env.put("DATABASE_URL", db.url() + query);
    env.put("DATOMIC_STORAGE_CONNECT_ATTEMPTS", "3");
    env.put("DATOMIC_BUILDPACK_BACKOFF_MS", "20");
    try (Dyno dyno = start(env)) {
      assertNotEquals(0, dyno.awaitExit(60), dyno.output());
      assertTrue(dyno.stderr().contains(" !     Error: DATABASE_URL is not a usable Postgres URL: "
          + expected), dyno.stderr());
      assertFalse(dyno.output().contains("Could not reach") || dyno.output().contains("retrying"),
          dyno.output());
      assertFalse(dyno.output().contains(db.password()), dyno.output());
    }
    assertEquals(List.of(), kvsColumns(db), "nothing was done to the database");
    env.put("DYNO", "release.1");
    Run.Result release = Run.of(".datomic/bin/datomic-buildpack", "release-phase")
        .in(app.build()).env(env).go();
    assertNotEquals(0, release.exitCode(), release.toString());
    assertTrue(release.stderr().contains(expected), release.stderr());
  }

  @Test
  void aUrlWithoutPasswordFailsBootAtOnceSayingSo() throws IOException {
    Database db = PG.newDatabase();
    Map<String, String> env = dyno("transactor.1", GB);
    env.put("DATABASE_URL", "postgres://" + db.user() + "@127.0.0.1:" + PG.port() + "/"
        + db.name());
    try (Dyno dyno = start(env)) {
      assertNotEquals(0, dyno.awaitExit(60), dyno.output());
      assertTrue(dyno.stderr().contains(" !     Error: DATABASE_URL has no password"),
          dyno.stderr());
      assertFalse(dyno.output().contains("retrying") || dyno.output().contains("restarting"),
          dyno.output());
    }
  }

  /**
   * The storage credentials reach the transactor exactly: a password with a leading space and
   * non-ASCII characters reads back the same whether Datomic reads the properties file as
   * ISO-8859-1 (Properties.load(InputStream)) or UTF-8 (a Reader), and really logs in.
   */
  @Test
  void storageCredentialsReadBackExactlyFromThePropertiesFile() throws Exception {
    String user = PostgresServer.uniqueName("ünï");
    String password = " lead=é€\\x#!:";
    PG.createRole(user, password);
    String name = PostgresServer.uniqueName("db");
    PG.createDatabase(name, user);
    Database db = new Database(PG, name, user, password);
    try (Dyno dyno = start(dyno("transactor.1", db))) {
      assertTrue(dyno.awaitStarted(60), dyno.output());
      Path file = Path.of(dyno.argument("PROPS")); // the file bin/transactor was given
      Properties latin1 = new Properties();
      Properties utf8 = new Properties();
      try (java.io.InputStream in = Files.newInputStream(file)) {
        latin1.load(in);
      }
      try (java.io.Reader in = Files.newBufferedReader(file)) {
        utf8.load(in);
      }
      for (Properties p : List.of(latin1, utf8)) {
        assertEquals(password, p.getProperty("sql-password"));
        assertEquals(user, p.getProperty("sql-user"));
      }
      Properties credentials = new Properties();
      credentials.setProperty("user", latin1.getProperty("sql-user"));
      credentials.setProperty("password", latin1.getProperty("sql-password"));
      java.sql.DriverManager.getConnection(latin1.getProperty("sql-url"), credentials).close();
      assertFalse(dyno.output().contains(password.strip()), dyno.output());
    }
  }

  /** sslmode=require in the summary means the transactor's connection really is encrypted. */
  @Test
  void theTransactorsStorageConnectionUsesTlsAsTheSummarySays() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(PG.ssl(), "server has no SSL (no openssl)");
    Database db = PG.newDatabase();
    try (Dyno dyno = start(dyno("transactor.1", db))) {
      assertTrue(dyno.awaitStarted(60), dyno.output());
      assertTrue(dyno.stdout().contains("(sslmode=require)"), dyno.stdout());
      Properties p = dyno.properties();
      Properties credentials = new Properties();
      credentials.setProperty("user", p.getProperty("sql-user"));
      credentials.setProperty("password", p.getProperty("sql-password"));
      try (java.sql.Connection c = java.sql.DriverManager.getConnection(
              p.getProperty("sql-url"), credentials);
          java.sql.Statement s = c.createStatement();
          java.sql.ResultSet rs = s.executeQuery(
              "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
        assertTrue(rs.next());
        assertEquals("true", rs.getString(1));
      }
    }
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
