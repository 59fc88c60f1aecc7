package datomic.buildpack.compile.distribution;

import static datomic.buildpack.testsupport.FaultyHttpServer.ok;
import static datomic.buildpack.testsupport.FaultyHttpServer.okWithoutLength;
import static datomic.buildpack.testsupport.FaultyHttpServer.redirect;
import static datomic.buildpack.testsupport.FaultyHttpServer.resetAfter;
import static datomic.buildpack.testsupport.FaultyHttpServer.stall;
import static datomic.buildpack.testsupport.FaultyHttpServer.status;
import static datomic.buildpack.testsupport.FaultyHttpServer.truncated;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.testsupport.FaultyHttpServer;
import datomic.buildpack.testsupport.Locks;
import datomic.buildpack.testsupport.RefusingPort;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/** Downloads over a loopback server that fails on purpose: outcome, message and cache state. */
@Order(1) // one of the longest classes: started first (junit-platform.properties)
class DistributionDownloadTest {
  private static final String PATH = "/datomic-pro-1.0.7622.zip";
  private static byte[] zip;
  private static byte[] other;

  @TempDir
  static Path shared;
  @TempDir
  Path dir;

  private FaultyHttpServer server;
  private Path cache;
  private Path target;

  @BeforeAll
  static void zips() {
    zip = Fixture.bytes(Fixture.fake().jars(20, 100_000), shared);
    other = Fixture.bytes(Fixture.fake().jars(20, 100_000).seed(7), shared);
  }

  @BeforeEach
  void setUp() throws Exception {
    server = new FaultyHttpServer();
    cache = dir.resolve("cache");
    target = dir.resolve("build/.datomic/dist");
    Files.createDirectories(cache);
  }

  @AfterEach
  void tearDown() throws Exception {
    server.close();
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("DATOMIC_DOWNLOAD_URL", server.url(PATH));
    return env;
  }

  private Fixture.Run run(Map<String, String> env) {
    return Fixture.install(env, cache, target, Fixture.fast());
  }

  static String sha(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private void assertInstalled(Fixture.Run run) throws Exception {
    assertNull(run.error(), () -> "unexpected failure: " + run.all());
    assertTrue(Files.isRegularFile(target.resolve("bin/transactor")));
    assertEquals(sha(zip), run.result().sha256());
    assertEquals(1, Fixture.list(cache.resolve("datomic")).stream()
        .filter(n -> n.startsWith("pro-1.0.7622-")).count(), "one cache entry");
    assertFalse(Fixture.list(cache.resolve("datomic")).stream().anyMatch(n -> n.startsWith(".")),
        "no staging leftovers");
  }

  private void assertFailedCleanly() {
    Fixture.assertNoCacheEntry(cache);
    assertFalse(Files.exists(target), "no target after a failure");
    assertEquals(List.of(), Fixture.list(target.getParent()), "no temp folders next to target");
  }

  @Test
  void plainDownloadInstallsVerifiesAndCaches() throws Exception {
    server.on(PATH, ok(zip));
    Fixture.Run run = run(env());
    assertInstalled(run);
    assertTrue(Files.isExecutable(target.resolve("bin/transactor")), "exec bit kept");
    assertFalse(Files.exists(target.resolve("presto-server")), "presto-server left out");
    assertFalse(Files.exists(target.resolve("samples")), "samples left out");
    assertTrue(Files.isRegularFile(target.resolve(
        "config/samples/sql-transactor-template.properties")), "config samples kept");
    assertTrue(Files.isRegularFile(target.resolve("bin/run")));
    assertTrue(Files.isRegularFile(target.resolve("bin/datomic")));
    assertTrue(run.out().contains("-----> Installing Datomic Pro 1.0.7622"), run.out());
    assertTrue(run.out().contains("Downloading http://127.0.0.1:"), run.out());
    assertTrue(run.out().contains("SHA-256 " + sha(zip)), run.out());
    assertTrue(run.err().contains("DATOMIC_SHA256=" + sha(zip)), "advice to pin: " + run.err());
    assertTrue(run.out().contains("Installed ") && run.out().contains("into .datomic/dist"));
    String index = Files.readString(cache.resolve("datomic/index.json"));
    assertTrue(index.contains(sha(zip)), "checksum recorded: " + index);
    assertEquals(1, server.count(PATH));
  }

  /**
   * An install lets go of its connection even when the server would keep it alive: nothing stays
   * open or in the JDK's keep-alive cache. A cache hit makes no request at all.
   */
  @Test
  @ResourceLock(Locks.WALL_CLOCK) // the server must see the close within 2 s
  void installClosesItsConnectionAndACacheHitMakesNone() throws Exception {
    server.on(PATH, ok(zip).keepAlive());
    assertInstalled(run(env()));
    assertEquals(1, server.closedByClient(PATH, 1, Duration.ofSeconds(2)),
        "the connection was left open");
    Fixture.Run warm = run(env());
    assertInstalled(warm);
    assertTrue(warm.out().contains("Using cached"), warm.out());
    assertEquals(1, server.count(PATH));
  }

  @Test
  void serverErrorThenSuccessIsRetried() throws Exception {
    server.on(PATH, status(500), status(503), ok(zip));
    Fixture.Run run = run(env());
    assertInstalled(run);
    assertEquals(3, server.count(PATH));
    assertTrue(run.out().contains("The server answered HTTP 500; retrying"), run.out());
  }

  @Test
  void persistentServerErrorFailsAfterBoundedAttempts() {
    server.on(PATH, status(500));
    Fixture.Run run = run(env());
    assertNotNull(run.error());
    assertTrue(run.error().summary().contains("Could not download Datomic Pro 1.0.7622"));
    assertTrue(run.all().contains("tried 3 times"), run.all());
    assertTrue(run.all().contains("run the build again"), run.all());
    assertEquals(3, server.count(PATH));
    assertFailedCleanly();
  }

  @Test
  void notFoundIsNotRetriedAndNamesTheUrl() {
    server.on(PATH, status(404));
    Fixture.Run run = run(env());
    assertNotNull(run.error());
    assertEquals("Datomic Pro 1.0.7622 was not found (HTTP 404).", run.error().summary());
    assertTrue(run.all().contains("Check DATOMIC_DOWNLOAD_URL"), run.all());
    assertEquals(1, server.count(PATH));
    assertFailedCleanly();
  }

  @Test
  void unauthorizedNamesLicenceVariablesAndNeverShowsThePassword() {
    String password = "s3cret-Pa55word";
    server.on("/legacy.zip", status(401));
    Map<String, String> env = new HashMap<>();
    env.put("DATOMIC_VERSION", "1.0.6711");
    env.put("DATOMIC_DOWNLOAD_URL", server.url("/legacy.zip"));
    env.put("DATOMIC_LICENSE_USER", "me@example.com");
    env.put("DATOMIC_LICENSE_PASSWORD", password);
    env.put("DATOMIC_TRANSACTOR_KEY", "KEY");
    Fixture.Run run = run(env);
    assertNotNull(run.error());
    assertTrue(run.error().summary().contains("refused (HTTP 401)"), run.error().summary());
    assertTrue(run.all().contains("DATOMIC_LICENSE_USER"), run.all());
    assertTrue(run.all().contains("DATOMIC_LICENSE_PASSWORD"), run.all());
    assertFalse(run.all().contains(password), "password leaked: " + run.all());
    assertEquals(1, server.count("/legacy.zip"), "401 is not retried");
    String auth = server.requests().get(0).header("Authorization").orElse("");
    assertEquals("Basic " + Base64.getEncoder().encodeToString(
        ("me@example.com:" + password).getBytes(StandardCharsets.UTF_8)), auth);
    assertFalse(Fixture.allText(dir).contains(password), "password written to a file");
    assertFailedCleanly();
  }

  @Test
  void licenceCredentialsAreNotSentToAMirrorOfANoCostVersion() throws Exception {
    server.on(PATH, ok(zip));
    Map<String, String> env = env();
    env.put("DATOMIC_LICENSE_USER", "me@example.com");
    env.put("DATOMIC_LICENSE_PASSWORD", "s3cret-Pa55word");
    assertInstalled(run(env));
    assertTrue(server.requests().get(0).header("Authorization").isEmpty(),
        "1.0.7622 is public: the my.datomic.com password stays home");
  }

  @Test
  void forbiddenIsNotRetried() {
    server.on(PATH, status(403));
    Fixture.Run run = run(env());
    assertTrue(run.error().summary().contains("refused (HTTP 403)"));
    assertTrue(run.all().contains("DATOMIC_LICENSE_USER"), run.all());
    assertEquals(1, server.count(PATH));
    assertFailedCleanly();
  }

  @Test
  void passwordInDownloadUrlIsUsedButNeverShown() throws Exception {
    String password = "hunter2-url-secret";
    server.on(PATH, ok(zip));
    Map<String, String> env = new HashMap<>();
    env.put("DATOMIC_DOWNLOAD_URL", "http://mirror:" + password + "@127.0.0.1:" + server.port()
        + PATH);
    Fixture.Run run = run(env);
    assertInstalled(run);
    assertFalse(run.all().contains(password), run.all());
    assertFalse(Fixture.allText(dir).contains(password));
    assertTrue(server.requests().get(0).header("Authorization").isPresent());
  }

  @Test
  void connectionResetMidBodyIsResumedWithRange() throws Exception {
    server.on(PATH, resetAfter(zip, zip.length / 3), ok(zip));
    Fixture.Run run = run(env());
    assertInstalled(run);
    assertEquals(2, server.count(PATH));
    assertTrue(server.requests().get(1).header("Range").orElse("").startsWith("bytes="),
        "resumed with Range");
    assertTrue(run.out().contains("retrying"), run.out());
  }

  @Test
  void resumeWorksWhenTheServerIgnoresRange() throws Exception {
    server.on(PATH, resetAfter(zip, zip.length / 2), ok(zip).noRanges());
    Fixture.Run run = run(env());
    assertInstalled(run);
    assertEquals(2, server.count(PATH));
  }

  @Test
  void truncatedBodyWithContentLengthIsResumed() throws Exception {
    server.on(PATH, truncated(zip, zip.length / 2, true), ok(zip));
    Fixture.Run run = run(env());
    assertInstalled(run);
    assertTrue(run.out().contains("The connection closed before the end of the body after"),
        run.out());
  }

  @Test
  void truncatedBodyWithoutContentLengthIsDetectedAndDownloadedAgain() throws Exception {
    server.on(PATH, truncated(zip, zip.length / 2, false), okWithoutLength(zip));
    Fixture.Run run = run(env());
    assertInstalled(run);
    assertTrue(run.out().contains("ended before the end of the zip"), run.out());
    assertEquals(2, server.count(PATH));
  }

  @Test
  void alwaysTruncatedWithoutContentLengthFailsClearly() {
    server.on(PATH, truncated(zip, zip.length - 100, false));
    Fixture.Run run = run(env());
    assertNotNull(run.error());
    assertTrue(run.error().summary().contains("is incomplete"), run.error().summary());
    assertEquals(3, server.count(PATH));
    assertFailedCleanly();
  }

  @Test
  void stallPastReadTimeoutIsRetried() throws Exception {
    server.on(PATH, stall(zip, zip.length / 4, Duration.ofSeconds(5)), ok(zip));
    Fixture.Run run = run(env());
    assertInstalled(run);
    assertTrue(run.out().contains("The server sent nothing for 2 s"), run.out());
  }

  @Test
  void persistentStallFails() {
    server.on(PATH, stall(zip, 1000, Duration.ofSeconds(5)));
    Fixture.Run run = run(env());
    assertNotNull(run.error());
    assertTrue(run.all().contains("the server sent nothing for 2 s"), run.all());
    assertFailedCleanly();
  }

  /** DATOMIC_DOWNLOAD_TIMEOUT bounds the whole download, with a message naming it. */
  @Test
  @ResourceLock(Locks.WALL_CLOCK)
  void downloadTimeoutBoundsASlowDownload() {
    server.on(PATH, ok(zip).throttle(100_000)); // about 20 s
    Map<String, String> env = env();
    env.put("DATOMIC_DOWNLOAD_TIMEOUT", "10");
    long start = System.nanoTime();
    Fixture.Run run = run(env);
    double took = (System.nanoTime() - start) / 1e9;
    assertNotNull(run.error(), run::all);
    assertEquals("Downloading Datomic Pro 1.0.7622 took longer than DATOMIC_DOWNLOAD_TIMEOUT"
        + " allows (10 s).", run.error().summary());
    assertTrue(run.all().contains(" did not finish within 10 s: "), run.all());
    assertTrue(run.all().contains("raise DATOMIC_DOWNLOAD_TIMEOUT"), run.all());
    assertTrue(took >= 9.5 && took < 30, took + " s");
    assertEquals(1, server.count(PATH));
    assertFailedCleanly();
  }

  @Test
  void wrongBytesFailThePinnedChecksum() throws Exception {
    server.on(PATH, ok(other));
    Map<String, String> env = env();
    env.put("DATOMIC_SHA256", sha(zip));
    Fixture.Run run = run(env);
    assertNotNull(run.error());
    assertEquals("The Datomic zip's SHA-256 does not match.", run.error().summary());
    assertTrue(run.all().contains(sha(zip)) && run.all().contains(sha(other)), run.all());
    assertFailedCleanly();
  }

  @Test
  void pinnedChecksumThatMatchesIsReported() throws Exception {
    server.on(PATH, ok(zip));
    Map<String, String> env = env();
    env.put("DATOMIC_SHA256", sha(zip).toUpperCase());
    Fixture.Run run = run(env);
    assertInstalled(run);
    assertTrue(run.out().contains("matches DATOMIC_SHA256"), run.out());
    assertFalse(run.err().contains("No known checksum"), run.err());
  }

  @Test
  void redirectIsFollowedAndCredentialsStayOnTheirHost() throws Exception {
    server.on("/start", redirect(302, "http://localhost:" + server.port() + PATH));
    server.on(PATH, ok(zip));
    Map<String, String> env = new HashMap<>();
    env.put("DATOMIC_DOWNLOAD_URL", "http://u:pw-redirect@127.0.0.1:" + server.port() + "/start");
    Fixture.Run run = run(env);
    assertInstalled(run);
    assertTrue(server.requests().get(0).header("Authorization").isPresent());
    assertTrue(server.requests().get(1).header("Authorization").isEmpty(),
        "credentials not sent to another host");
    assertTrue(run.out().contains("Redirected to http://localhost:"), run.out());
  }

  @Test
  void progressIsReportedInTenPercentSteps() throws Exception {
    server.on(PATH, ok(zip));
    Fixture.Run run = run(env());
    assertInstalled(run);
    long lines = run.out().lines().filter(l -> l.matches("\\s+\\d+%\\s+[0-9.]+ MB\\s+[0-9.]+ MB/s"))
        .count();
    assertTrue(lines >= 5 && lines <= 11, "progress lines: " + lines + "\n" + run.out());
  }

  @Test
  void unreachableServerFailsAfterRetries() throws Exception {
    try (RefusingPort port = new RefusingPort()) {
      Fixture.Run run = run(Map.of("DATOMIC_DOWNLOAD_URL", port.uri(PATH).toString()));
      assertNotNull(run.error());
      assertEquals("Could not download Datomic Pro 1.0.7622.", run.error().summary());
      assertTrue(run.all().contains("the connection was refused"), run.all());
    }
    assertFailedCleanly();
  }
}
