package datomic.buildpack.dyno.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.local.FakeDistribution;
import datomic.buildpack.local.PostgresServer.Database;
import datomic.buildpack.local.PostgresServer;
import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.DynoEnv;
import datomic.buildpack.testsupport.Record;
import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * backup, list-backups, verify-backup and restore through the compiled slug's launcher on a
 * simulated one-off dyno, against a real PostgreSQL, with the fake distribution's bin/datomic
 * recording every call's arguments and environment.
 */
@Order(1) // one of the longest classes: started first (junit-platform.properties)
class BackupIT {
  static final PostgresServer PG = PostgresServer.shared();
  static final String AWS_SECRET = "aws-s3cr3t-Zq81";
  static final String BUCKETEER_SECRET = "bkt-s3cr3t-Wm42";
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

  Path record() {
    return tmp.resolve("datomic.record");
  }

  Map<String, String> dyno() throws IOException {
    Map<String, String> env = DynoEnv.of("run.1234", tmp.resolve("cgroup"), DynoEnv.ONE_GB);
    env.put("TMPDIR", Files.createDirectories(tmp.resolve("dyno-tmp")).toString());
    env.put("STUB_DATOMIC_RECORD", record().toString());
    env.put("DATABASE_URL", db.url());
    if (!PG.ssl()) {
      env.put("DATOMIC_SQL_SSLMODE", "disable");
    }
    env.put("HEROKU_APP_NAME", "my-xtor");
    return env;
  }

  Map<String, String> fileBackups() throws IOException {
    Map<String, String> env = dyno();
    env.put("DATOMIC_BACKUP_URL", "file:" + tmp.resolve("backups"));
    return env;
  }

  /**
   * A file: location on a Heroku dyno is the dyno's own disk, discarded when a one-off or
   * Scheduler dyno ends: the backup "succeeds" and is gone minutes later. Said, not silent.
   */
  @Test
  void aFileLocationOnADynoWarnsThatTheBackupIsLostWithTheDyno() throws IOException {
    Run.Result onDyno = run(fileBackups(), "backup", "a-db");
    assertEquals(0, onDyno.exitCode(), onDyno.toString());
    assertTrue(onDyno.stderr().contains(" !     Warning: The backups go to this dyno's own disk"
        + " (file:" + tmp.resolve("backups") + "), discarded when the dyno ends."),
        onDyno.stderr());
    assertTrue(onDyno.stderr().contains("DATOMIC_BACKUP_URL=s3://"), onDyno.stderr());
    Map<String, String> local = fileBackups();
    local.remove("DYNO");
    Run.Result r = run(local, "backup", "a-db");
    assertEquals(0, r.exitCode(), r.toString());
    assertFalse(r.stderr().contains("Warning"), "a local run keeps its files:\n" + r.stderr());
  }

  static Run.Result run(BuildFixture app, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add(app.build().resolve(".datomic/bin/datomic-buildpack").toString());
    command.addAll(List.of(args));
    return Run.of(command).env(env).timeout(240).go();
  }

  Run.Result run(Map<String, String> env, String... args) {
    return run(app, env, args);
  }

  /** The calls bin/datomic recorded: CALL, JVM, ARG, ENV_*, PGPASSFILE_* (one map each). */
  List<Map<String, List<String>>> calls() {
    return Record.calls(record());
  }

  static String one(Map<String, List<String>> call, String key) {
    return Optional.ofNullable(call.get(key)).map(v -> v.get(0)).orElse(null);
  }

  String uri(String name) {
    return "datomic:sql://" + name + "?jdbc:postgresql://127.0.0.1:" + PG.port() + "/" + db.name()
        + "?user=" + db.user() + "&sslmode=" + (PG.ssl() ? "require" : "disable")
        + "&connectTimeout=10&loginTimeout=10&socketTimeout=60";
  }

  static void assertNoSecretIn(Run.Result r, List<Map<String, List<String>>> calls,
      String... secrets) {
    for (String secret : secrets) {
      assertFalse(r.all().contains(secret), secret + " in the output:\n" + r);
      for (Map<String, List<String>> call : calls) {
        for (String key : List.of("ARG", "JVM")) {
          for (String value : call.getOrDefault(key, List.of())) {
            assertFalse(value.contains(secret), secret + " in bin/datomic's " + key + ": " + value);
          }
        }
      }
    }
  }

  /**
   * A backup run on a dyno whose process is running (heroku ps:exec into a peer server) shares
   * its runtime folder: it must not replace or delete that process's pgpass.
   */
  @Test
  void aBackupLeavesTheFilesOfAProcessRunningOnTheSameDynoAlone() throws IOException {
    Map<String, String> env = fileBackups();
    env.put("DYNO", "peer-server.1");
    Run.Result first = run(env, "backup", "a-db");
    assertEquals(0, first.exitCode(), first.toString());
    Path dynoTmp = Path.of(env.get("TMPDIR"));
    Path runtime;
    try (var dirs = Files.list(dynoTmp)) {
      runtime = dirs.filter(d -> d.getFileName().toString().startsWith("datomic-peer-server.1-"))
          .findFirst().orElseThrow(() -> new AssertionError("no runtime folder in " + dynoTmp));
    }
    Path running = Files.writeString(runtime.resolve("pgpass"), "the peer server's own\n");
    Run.Result second = run(env, "backup", "a-db");
    assertEquals(0, second.exitCode(), second.toString());
    assertEquals("the peer server's own\n", Files.readString(running),
        "the running process's pgpass is untouched");
    try (var left = Files.list(runtime)) {
      assertEquals(List.of(running), left.toList(), "the backup's own folder is gone");
    }
  }

  @Test
  void eachDatabaseGoesToItsOwnLocationWithThePasswordInAPrivateFileAndRepeatsAreIncremental()
      throws IOException {
    Map<String, String> env = fileBackups();
    Run.Result r = run(env, "backup", "a-db", "b-db", "a-db");
    assertEquals(0, r.exitCode(), r.toString());
    List<Map<String, List<String>>> calls = calls();
    assertEquals(2, calls.size(), "once per database: " + calls);
    for (int i = 0; i < 2; i++) {
      String name = i == 0 ? "a-db" : "b-db";
      Map<String, List<String>> call = calls.get(i);
      assertEquals(List.of("backup-db"), call.get("CALL"));
      assertEquals(List.of("-Xmx608m", "-Xms608m"), call.get("JVM"),
          "a 1 GB dyno less 160 MB for the CLI, three quarters of it");
      assertEquals(List.of(uri(name), "file:" + tmp.resolve("backups").resolve(name)),
          call.get("ARG"));
      assertEquals("600", one(call, "PGPASSFILE_MODE"));
      assertEquals("127.0.0.1:" + PG.port() + ":" + db.name() + ":" + db.user() + ":"
          + db.password(), one(call, "PGPASSFILE_TEXT"));
      assertEquals("", one(call, "ENV_AWS_SECRET_ACCESS_KEY"));
    }
    assertFalse(Files.exists(Path.of(one(calls.get(0), "ENV_PGPASSFILE"))),
        "the password file is gone when the command ends");
    assertNoSecretIn(r, calls, db.password());
    assertTrue(r.stdout().contains("-----> Backing up a-db to file:" + tmp.resolve("backups/a-db")),
        r.stdout());
    assertTrue(r.stdout().contains("Repeat backups to file:" + tmp.resolve("backups/a-db")
        + " copy only the segments that are new since the last one."), r.stdout());
    assertTrue(r.stdout().contains("Copying " + uri("a-db") + " to file:"), r.stdout());

    Run.Result again = run(env, "backup", "a-db");
    assertEquals(0, again.exitCode(), again.toString());
    assertTrue(again.stdout().contains("Copied 2 segments, skipped 12 segments."),
        again.stdout());
  }

  @Test
  void theBucketeerAddOnGivesBucketCredentialsAndRegionInTheEnvironmentOnly() throws IOException {
    Map<String, String> env = dyno();
    env.put("BUCKETEER_BUCKET_NAME", "bucketeer-3f9a");
    env.put("BUCKETEER_AWS_ACCESS_KEY_ID", "AKIABUCKETEER");
    env.put("BUCKETEER_AWS_SECRET_ACCESS_KEY", BUCKETEER_SECRET);
    env.put("BUCKETEER_AWS_REGION", "eu-west-1");
    env.put("DATOMIC_BACKUP_DATABASES", "a-db, b-db");
    Run.Result r = run(env, "backup");
    assertEquals(0, r.exitCode(), r.toString());
    List<Map<String, List<String>>> calls = calls();
    assertEquals(2, calls.size(), calls.toString());
    Map<String, List<String>> call = calls.get(1);
    assertEquals("s3://bucketeer-3f9a/datomic-backups/b-db", call.get("ARG").get(1));
    assertEquals("AKIABUCKETEER", one(call, "ENV_AWS_ACCESS_KEY_ID"));
    assertEquals(BUCKETEER_SECRET, one(call, "ENV_AWS_SECRET_ACCESS_KEY"));
    assertEquals("eu-west-1", one(call, "ENV_AWS_REGION"));
    assertEquals("eu-west-1", one(call, "ENV_AWS_DEFAULT_REGION"));
    assertNoSecretIn(r, calls, BUCKETEER_SECRET, db.password());
    assertTrue(r.stdout().contains("credentials from the Bucketeer add-on"), r.stdout());
    assertTrue(r.stdout().contains("a-db, b-db  (config var DATOMIC_BACKUP_DATABASES)"),
        r.stdout());
  }

  @Test
  void awsConfigVarsWinOverBucketeerWithTheirTokenAndDefaultRegion() throws IOException {
    Map<String, String> env = dyno();
    env.put("BUCKETEER_BUCKET_NAME", "bucketeer-3f9a");
    env.put("BUCKETEER_AWS_ACCESS_KEY_ID", "AKIABUCKETEER");
    env.put("BUCKETEER_AWS_SECRET_ACCESS_KEY", BUCKETEER_SECRET);
    env.put("BUCKETEER_AWS_REGION", "eu-west-1");
    env.put("AWS_ACCESS_KEY_ID", "AKIAMINE");
    env.put("AWS_SECRET_ACCESS_KEY", AWS_SECRET);
    env.put("AWS_SESSION_TOKEN", "tok-Session-99");
    env.put("AWS_DEFAULT_REGION", "us-east-2");
    env.put("DATOMIC_BACKUP_URL", "s3://my-backups/datomic/");
    env.put("DATOMIC_PEER_SERVER_DATABASES", "served-db");
    Run.Result r = run(env, "backup");
    assertEquals(0, r.exitCode(), r.toString());
    Map<String, List<String>> call = calls().get(0);
    assertEquals(List.of(uri("served-db"), "s3://my-backups/datomic/served-db"), call.get("ARG"));
    assertEquals("AKIAMINE", one(call, "ENV_AWS_ACCESS_KEY_ID"));
    assertEquals(AWS_SECRET, one(call, "ENV_AWS_SECRET_ACCESS_KEY"));
    assertEquals("tok-Session-99", one(call, "ENV_AWS_SESSION_TOKEN"));
    assertEquals("us-east-2", one(call, "ENV_AWS_REGION"));
    assertNoSecretIn(r, calls(), AWS_SECRET, "tok-Session-99", BUCKETEER_SECRET, db.password());
  }

  @Test
  void whatCannotWorkIsRefusedBeforeBinDatomicRuns() throws IOException {
    Map<String, Map<String, String>> cases = new LinkedHashMap<>();
    Map<String, String> noCredentials = dyno();
    noCredentials.put("DATOMIC_BACKUP_URL", "s3://my-backups/datomic");
    cases.put("Backups to s3://my-backups/datomic need AWS credentials.", noCredentials);
    Map<String, String> noRegion = dyno();
    noRegion.put("DATOMIC_BACKUP_URL", "s3://my-backups/datomic");
    noRegion.put("AWS_ACCESS_KEY_ID", "AKIAMINE");
    noRegion.put("AWS_SECRET_ACCESS_KEY", AWS_SECRET);
    cases.put("The region of the bucket of s3://my-backups/datomic is not known.", noRegion);
    Map<String, String> publicPrefix = dyno();
    publicPrefix.put("BUCKETEER_BUCKET_NAME", "bucketeer-3f9a");
    publicPrefix.put("DATOMIC_BACKUP_URL", "s3://bucketeer-3f9a/public/backups");
    cases.put("Backups may not go to s3://bucketeer-3f9a/public/backups: Bucketeer makes"
        + " everything below public/ readable by anyone.", publicPrefix);
    Map<String, String> dotPublic = dyno();
    dotPublic.put("BUCKETEER_BUCKET_NAME", "bucketeer-3f9a");
    dotPublic.put("DATOMIC_BACKUP_URL", "s3://bucketeer-3f9a/a/../public/backups");
    cases.put("The backup location s3://bucketeer-3f9a/a/../public/backups (config var"
        + " DATOMIC_BACKUP_URL) is not usable: its prefix has a '..' part", dotPublic);
    Map<String, String> otherHost = dyno();
    otherHost.put("DATOMIC_BACKUP_URL", "file://otherhost/backups");
    cases.put("The backup location file://otherhost/backups (config var DATOMIC_BACKUP_URL) is"
        + " not usable: a file: URL here names no host", otherHost);
    Map<String, String> noLocation = dyno();
    cases.put("No backup location: DATOMIC_BACKUP_URL is not set.", noLocation);
    Map<String, String> badLocation = dyno();
    badLocation.put("DATOMIC_BACKUP_URL", "https://example.com/backups");
    cases.put("The backup location https://example.com/backups (config var DATOMIC_BACKUP_URL)"
        + " is not usable", badLocation);
    Map<String, String> noDatabase = fileBackups();
    noDatabase.remove("DATABASE_URL");
    cases.put("datomic-buildpack backup needs the app's Postgres storage.", noDatabase);
    Map<String, String> tooBig = fileBackups();
    tooBig.put("DATOMIC_BACKUP_XMX", "2g");
    cases.put("The backup heap (2g, from config var DATOMIC_BACKUP_XMX) does not fit this dyno's"
        + " 1024 MB of memory with 256 MB left for the JVM itself and 160 MB for this command's"
        + " JVM.", tooBig);
    for (Map.Entry<String, Map<String, String>> c : cases.entrySet()) {
      Run.Result r = run(c.getValue(), "backup", "a-db");
      assertEquals(1, r.exitCode(), r.toString());
      assertTrue(r.stderr().contains(" !     Error: " + c.getKey()), r.stderr());
      assertNoSecretIn(r, List.of(), AWS_SECRET, db.password());
    }
    Run.Result noNames = run(fileBackups(), "backup");
    assertTrue(noNames.stderr().contains("Which databases? None given, and"
        + " DATOMIC_BACKUP_DATABASES is not set."), noNames.stderr());
    Run.Result badName = run(fileBackups(), "backup", "a_db");
    assertTrue(badName.stderr().contains("'a_db' (from the command line) is not a Datomic"
        + " database name."), badName.stderr());
    assertEquals(List.of(), calls(), "bin/datomic never ran");
  }

  /**
   * A Scheduler job's list of databases that names none (a stray comma) is an error, never a
   * green "Backed up " of nothing; so is an empty name between two commas.
   */
  @Test
  void aListOfDatabasesThatIsEmptyOrHasAnEmptyNameIsAnErrorNotABackupOfNothing()
      throws IOException {
    for (String list : List.of(",", " , ,", "a-db,,b-db", "a-db,")) {
      for (String var : List.of("DATOMIC_BACKUP_DATABASES", "DATOMIC_PEER_SERVER_DATABASES")) {
        Map<String, String> env = fileBackups();
        env.put(var, list);
        Run.Result r = run(env, "backup");
        assertEquals(1, r.exitCode(), var + "='" + list + "':\n" + r);
        assertTrue(r.stderr().contains(" !     Error: "), r.stderr());
        assertTrue(r.stderr().contains(var), r.stderr());
        assertFalse(r.stdout().contains("Backed up"), r.stdout());
      }
    }
    assertEquals(List.of(), calls(), "bin/datomic never ran");
  }

  @Test
  void aFailedBackupDoesNotStopTheOthersButFailsTheCommand() throws IOException {
    Map<String, String> env = fileBackups();
    env.put("STUB_DATOMIC_FAIL", "a-db");
    Run.Result r = run(env, "backup", "a-db", "b-db");
    assertEquals(1, r.exitCode(), r.toString());
    assertEquals(2, calls().size());
    assertTrue(r.stdout().contains(":db.error/db-not-found Could not find a-db in catalog"),
        r.stdout());
    assertTrue(r.stdout().contains("b-db: backed up in"), r.stdout());
    assertTrue(r.stderr().contains(" !     Error: 1 of 2 backups failed: a-db."), r.stderr());
  }

  @Test
  void listAndVerifyTheNewestOrAGivenPointInTime() throws IOException {
    Map<String, String> env = fileBackups();
    assertEquals(0, run(env, "backup", "a-db").exitCode());
    assertEquals(0, run(env, "backup", "a-db").exitCode());
    Files.delete(record());

    Run.Result list = run(env, "list-backups", "a-db");
    assertEquals(0, list.exitCode(), list.toString());
    assertTrue(list.stdout().contains("\n[1000 1010]\n"), list.stdout());

    Run.Result newest = run(env, "verify-backup", "a-db");
    assertEquals(0, newest.exitCode(), newest.toString());
    List<Map<String, List<String>>> calls = calls();
    assertEquals(List.of("list-backups", "list-backups", "verify-backup"),
        calls.stream().map(c -> one(c, "CALL")).toList(), "without T it lists first");
    assertEquals(List.of("file:" + tmp.resolve("backups/a-db"), "false", "1010"),
        calls.get(2).get("ARG"));
    assertEquals(List.of("-Xmx608m", "-Xms608m"), calls.get(2).get("JVM"));

    Run.Result given = run(env, "verify-backup", "a-db", "1000", "--read-all");
    assertEquals(0, given.exitCode(), given.toString());
    assertEquals(List.of("file:" + tmp.resolve("backups/a-db"), "true", "1000"),
        calls().get(3).get("ARG"));

    Run.Result missing = run(env, "verify-backup", "a-db", "999");
    assertEquals(1, missing.exitCode(), missing.toString());
    assertTrue(missing.stderr().contains("Error: The backup of a-db at t 999 did not verify"),
        missing.stderr());
    Run.Result none = run(env, "verify-backup", "other-db");
    assertTrue(none.stderr().contains("Error: There is no backup of other-db at file:"),
        none.stderr());
    assertNoSecretIn(list, calls(), db.password());
  }

  @Test
  void restoreRefusesOnATransactorDynoAndWithoutTheRightConfirmationAndSaysTheProcedure()
      throws IOException {
    Map<String, String> env = fileBackups();
    assertEquals(0, run(env, "backup", "a-db").exitCode());
    Files.delete(record());

    Map<String, String> transactor = fileBackups();
    transactor.put("DYNO", "transactor.1");
    Run.Result onTransactor = run(transactor, "restore", "a-db", "--confirm", "my-xtor");
    assertEquals(1, onTransactor.exitCode());
    assertTrue(onTransactor.stderr().contains("Error: restore does not run on a transactor dyno"
        + " (transactor.1)."), onTransactor.stderr());

    Run.Result unconfirmed = run(env, "restore", "a-db", "1000");
    assertEquals(1, unconfirmed.exitCode());
    assertTrue(unconfirmed.stderr().contains(" !     Error: restore needs --confirm my-xtor.\n"
        + " !     A restore replaces database a-db in this app's storage; it needs --confirm"
        + " my-xtor.\n"
        + " !     Datomic's procedure: stop every peer and transactor, restore, then start them"
        + " again.\n"
        + " !       1. heroku ps:scale transactor=0 console=0 -a my-xtor   (and peer-server=0,"
        + " if you run one)\n"
        + " !          heroku ps:scale web=0 worker=0 -a <each peer app>\n"
        + " !       2. heroku run -a my-xtor 'datomic-buildpack restore a-db 1000 --confirm"
        + " my-xtor'\n"
        + " !       3. heroku ps:scale transactor=1 -a my-xtor   (2 with a standby), then the peer"
        + " apps again\n"), unconfirmed.stderr());

    Run.Result wrong = run(env, "restore", "a-db", "--confirm", "other-app");
    assertTrue(wrong.stderr().contains("Error: --confirm other-app does not match this app"
        + " (my-xtor)."), wrong.stderr());
    Map<String, String> nameless = fileBackups();
    nameless.remove("HEROKU_APP_NAME");
    Run.Result unknown = run(nameless, "restore", "a-db", "--confirm", "my-xtor");
    assertTrue(unknown.stderr().contains("heroku labs:enable runtime-dyno-metadata -a my-xtor"),
        unknown.stderr());
    assertEquals(List.of(), calls(), "bin/datomic never ran");

    Run.Result restored = run(env, "restore", "a-db", "1000", "--confirm", "my-xtor");
    assertEquals(0, restored.exitCode(), restored.toString());
    Map<String, List<String>> call = calls().get(0);
    assertEquals("restore-db", one(call, "CALL"));
    assertEquals(List.of("file:" + tmp.resolve("backups/a-db"), uri("a-db"), "1000"),
        call.get("ARG"));
    assertTrue(restored.stdout().contains("heroku ps:scale transactor=1 -a my-xtor"),
        restored.stdout());
    assertNoSecretIn(restored, calls(), db.password());
  }

  /**
   * HEROKU_DNS_APP_NAME is {@code <app>.app.localspace}: restore takes the app's name from it as
   * client-config takes the dynos' domain from it (one reading, dyno.DynoNetwork).
   */
  @Test
  void restoreAndClientConfigReadThePrivateSpacesAppNameAlike() throws IOException {
    Map<String, String> env = fileBackups();
    env.remove("HEROKU_APP_NAME");
    env.put("HEROKU_DNS_APP_NAME", "my-xtor.app.localspace");
    assertEquals(0, run(env, "backup", "a-db").exitCode());
    Run.Result unconfirmed = run(env, "restore", "a-db");
    assertTrue(unconfirmed.stderr().contains(" !     Error: restore needs --confirm my-xtor.\n"),
        unconfirmed.stderr());
    Run.Result restored = run(env, "restore", "a-db", "--confirm", "my-xtor");
    assertEquals(0, restored.exitCode(), restored.toString());
    assertTrue(restored.stdout().contains("heroku ps:scale transactor=1 -a my-xtor "),
        restored.stdout());

    env.put("DATOMIC_PEER_SERVER_DATABASES", "a-db");
    env.put("DATOMIC_PEER_SERVER_ACCESS_KEY", "ak-app-name");
    env.put("DATOMIC_PEER_SERVER_SECRET", "0123456789abcdef0123456789abcdef");
    Run.Result client = run(env, "client-config");
    assertEquals(0, client.exitCode(), client.toString());
    assertTrue(client.stdout().contains(
        "DATOMIC_CLIENT_ENDPOINT=1.peer-server.my-xtor.app.localspace:8998\n"), client.stdout());

    env.put("HEROKU_DNS_APP_NAME", "-d");
    Run.Result bad = run(env, "restore", "a-db", "--confirm", "my-xtor");
    assertTrue(bad.stderr().contains(" !     Error: HEROKU_DNS_APP_NAME is not usable as this"
        + " app's DNS name: it starts with '-'"), bad.stderr());
  }

  /** The launcher running {@code datomic-buildpack ARGS}, as a dyno's process, not waited for. */
  Process startLauncher(Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add(app.build().resolve(".datomic/bin/datomic-buildpack").toString());
    command.addAll(List.of(args));
    return Run.of(command).env(env).start(tmp.resolve("launcher.out"),
        tmp.resolve("launcher.err"));
  }

  /** The pids bin/datomic wrote once it hangs (STUB_DATOMIC_HANG): its own and its child's. */
  static List<Long> awaitHanging(Path file) throws Exception {
    for (int i = 0; i < 600 && !Files.exists(file); i++) {
      Thread.sleep(100);
    }
    assertTrue(Files.exists(file), "bin/datomic never started hanging");
    return java.util.Arrays.stream(Files.readString(file).strip().split(" "))
        .map(Long::parseLong).toList();
  }

  /** The one-off commands' private folders (backup-PID) of the dyno's runtime folders. */
  static List<Path> commandFolders(Map<String, String> env) throws IOException {
    try (var all = Files.walk(Path.of(env.get("TMPDIR")), 2)) {
      return all.filter(p -> p.getFileName().toString().startsWith("backup-")).toList();
    }
  }

  static void awaitGone(long pid) throws InterruptedException {
    for (int i = 0; i < 150 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        i++) {
      Thread.sleep(100);
    }
  }

  static void kill(List<Long> pids) {
    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  /**
   * A backup stopped by a TERM (Heroku stopping the dyno, a Scheduler job's timeout, Ctrl-C),
   * sent to the launcher only: bin/datomic and its child are stopped, the next database is not
   * started, the folder with the storage password is deleted, and the exit status says so.
   */
  @Test
  void aBackupStoppedByTermStopsBinDatomicAndDeletesItsPasswordFile() throws Exception {
    Map<String, String> env = fileBackups();
    env.put("DYNO", "peer-server.1");
    Path hang = tmp.resolve("hanging");
    env.put("STUB_DATOMIC_HANG", hang.toString());
    Process launcher = startLauncher(env, "backup", "a-db", "b-db");
    List<Long> datomic = List.of();
    try {
      datomic = awaitHanging(hang);
      List<Path> folders = commandFolders(env);
      assertEquals(1, folders.size(), folders.toString());
      try (var files = Files.list(folders.get(0))) {
        assertEquals(1, files.count(), "the pgpass file is there while bin/datomic runs");
      }
      launcher.toHandle().destroy(); // SIGTERM
      assertTrue(launcher.waitFor(40, java.util.concurrent.TimeUnit.SECONDS),
          "the launcher ended");
      assertEquals(143, launcher.exitValue(), "128 + SIGTERM");
      for (long pid : datomic) {
        awaitGone(pid);
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
            "bin/datomic's process " + pid + " is stopped");
      }
      assertEquals(List.of(), commandFolders(env), "the folder with the pgpass file is gone");
      String err = Files.readString(tmp.resolve("launcher.err"));
      assertTrue(err.contains(" !     Warning: Stopped by a signal: this backup did not finish."),
          err);
      assertEquals(1, calls().size(), "b-db's backup never started");
      assertNoSecretIn(new Run.Result(143, Files.readString(tmp.resolve("launcher.out")), err),
          calls(), db.password());
    } finally {
      launcher.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      launcher.destroyForcibly();
      kill(datomic);
    }
  }

  /**
   * A KILL runs no cleanup: the private folder stays behind. The next process on the dyno (a
   * boot that empties the dyno's folder, or another backup) deletes it, since its process is gone,
   * and starts; the folder of a backup still running is left alone.
   */
  @Test
  void afterABackupIsKilledTheNextProcessOnTheDynoDeletesWhatItLeftAndStarts() throws Exception {
    Map<String, String> env = fileBackups();
    env.put("DYNO", "peer-server.1");
    Path hang = tmp.resolve("hanging");
    env.put("STUB_DATOMIC_HANG", hang.toString());
    Process killed = startLauncher(env, "backup", "a-db");
    Process running = null;
    List<Long> datomic = new ArrayList<>();
    try {
      datomic.addAll(awaitHanging(hang));
      ProcessHandle cli = killed.toHandle().children().findFirst().orElseThrow();
      cli.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertTrue(killed.waitFor(40, java.util.concurrent.TimeUnit.SECONDS));
      assertEquals(List.of(tmp.resolve("dyno-tmp")), commandFolders(env).stream()
          .map(p -> p.getParent().getParent()).toList(), "the killed backup's folder is left");
      Path left = commandFolders(env).get(0);

      Files.delete(hang);
      running = startLauncher(env, "backup", "b-db"); // a backup that is still running
      datomic.addAll(awaitHanging(hang));
      Path stillRunning = commandFolders(env).stream().filter(p -> !p.equals(left)).findFirst()
          .orElseThrow();

      Map<String, String> next = fileBackups();
      next.put("DYNO", "peer-server.1");
      Run.Result boot = run(next, "create-database", "c-db");
      assertEquals(0, boot.exitCode(), boot.toString());
      assertFalse(Files.exists(left), "the killed backup's folder is deleted");
      assertTrue(Files.isDirectory(stillRunning), "the running backup's folder is left alone");

      kill(List.of(running.toHandle().children().findFirst().orElseThrow().pid()));
      running.waitFor(40, java.util.concurrent.TimeUnit.SECONDS);
      Run.Result backup = run(next, "backup", "a-db");
      assertEquals(0, backup.exitCode(), backup.toString());
      assertEquals(List.of(), commandFolders(env), "each backup deleted what a killed one left");
    } finally {
      killed.destroyForcibly();
      if (running != null) {
        running.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        running.destroyForcibly();
      }
      kill(datomic);
    }
  }

  @Test
  void aSmallerHeapThanTheTransactorsGetsAWarning() throws IOException {
    Map<String, String> env = fileBackups();
    env.put("DATOMIC_XMX", "2g");
    Run.Result r = run(env, "backup", "a-db");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stderr().contains("Warning: This backup gets a smaller heap (608m) than the"
        + " transactor (2g, DATOMIC_XMX)."), r.stderr());
  }

  @Test
  void withADriverThatCannotReadPgpassThePasswordIsInTheUriButMaskedInTheOutput()
      throws IOException {
    try (BuildFixture old = BuildFixture.of("minimal-transactor", tmp.resolve("old"))
        .withDistribution(FakeDistribution.from(Repo.distSources()).version(BuildFixture.VERSION)
            .pgjdbc("9.3-1102-jdbc41"), "pro")) {
      old.compileOk();
      Run.Result r = run(old, fileBackups(), "backup", "a-db");
      assertEquals(0, r.exitCode(), r.toString());
      Map<String, List<String>> call = calls().get(0);
      assertTrue(call.get("ARG").get(0).contains("password="), call.toString());
      assertEquals("", one(call, "ENV_PGPASSFILE"));
      assertFalse(r.all().contains(db.password()), r.toString());
      assertTrue(r.stdout().contains("Copying datomic:sql://a-db?jdbc:postgresql://"), r.stdout());
      assertTrue(r.stdout().contains("password=********"), r.stdout());
      assertTrue(r.stdout().contains("in the storage URI  (lib/postgresql-9.3-1102-jdbc41.jar"
          + " predates pgpass support"), r.stdout());
    }
  }
}
