package datomic.buildpack.compile.distribution;

import static datomic.buildpack.testsupport.FaultyHttpServer.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.catalog.DatomicVersion;
import datomic.buildpack.catalog.Edition;
import datomic.buildpack.testsupport.FaultyHttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build cache: warm builds offline, trust on first use, pruning, atomicity. */
class DistributionCacheTest {
  private static byte[] zip;
  private static byte[] tampered;
  private static byte[] older;

  @TempDir
  static Path shared;
  @TempDir
  Path dir;
  private FaultyHttpServer server;
  private Path cache;

  @BeforeAll
  static void zips() {
    zip = Fixture.bytes(Fixture.fake().jars(10, 50_000), shared);
    tampered = Fixture.bytes(Fixture.fake().jars(10, 50_000).seed(99), shared);
    older = Fixture.bytes(Fixture.fake().version("1.0.7556").jars(10, 50_000), shared);
  }

  @BeforeEach
  void setUp() throws Exception {
    server = new FaultyHttpServer();
    server.on("/datomic-pro-1.0.7622.zip", ok(zip));
    server.on("/datomic-pro-1.0.7556.zip", ok(older));
    cache = Files.createDirectories(dir.resolve("cache"));
  }

  @AfterEach
  void tearDown() throws Exception {
    server.close();
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("DATOMIC_DOWNLOAD_URL", server.url("/datomic-pro-{version}.zip"));
    return env;
  }

  private Fixture.Run build(String name, Map<String, String> env) {
    return Fixture.install(env, cache, dir.resolve(name + "/.datomic/dist"), Fixture.fast());
  }

  private List<String> entries() {
    return Fixture.list(cache.resolve("datomic")).stream()
        .filter(n -> !n.equals("index.json")).toList();
  }

  @Test
  void warmBuildMakesNoNetworkRequest() throws Exception {
    Fixture.Run cold = build("b1", env());
    assertNull(cold.error(), cold::all);
    assertEquals(1, server.requests().size());
    server.close(); // a warm build must not need it
    Fixture.Run warm = build("b2", env());
    assertNull(warm.error(), warm::all);
    assertTrue(warm.out().contains("Using cached Datomic Pro 1.0.7622 (sha256 "
        + cold.result().sha256().substring(0, 12)), warm.out());
    assertEquals(1, server.requests().size());
    assertEquals(cold.result().sha256(), warm.result().sha256());
    assertTrue(Files.isExecutable(dir.resolve("b2/.datomic/dist/bin/transactor")));
    assertEquals(cold.result().sizeBytes(), warm.result().sizeBytes());
  }

  /** Cache and build share a file system here: the trees share their files, nothing is copied. */
  @Test
  void coldAndWarmBuildsShareFilesWithTheCacheByHardLinks() throws Exception {
    Fixture.Run cold = build("b1", env());
    assertNull(cold.error(), cold::all);
    Path entry = cache.resolve("datomic").resolve(entries().get(0)).resolve("tree");
    String jar = "lib/dep-0.jar";
    assertEquals(inode(entry.resolve(jar)), inode(dir.resolve("b1/.datomic/dist/" + jar)));
    Fixture.Run warm = build("b2", env());
    assertNull(warm.error(), warm::all);
    assertEquals(inode(entry.resolve(jar)), inode(dir.resolve("b2/.datomic/dist/" + jar)));
    assertEquals(3, Files.getAttribute(entry.resolve(jar), "unix:nlink"));
    assertTrue(Files.isExecutable(dir.resolve("b2/.datomic/dist/bin/transactor")));
    assertEquals(cold.result().sizeBytes(), warm.result().sizeBytes());
  }

  /**
   * The build's files are the cache's: a file written in place after a build (or a cache damaged
   * in storage) must not be trusted by the next build. Its files and bytes are checked.
   */
  @Test
  void aCacheEntryChangedSinceItWasCachedIsNotUsed() throws Exception {
    Fixture.Run cold = build("b1", env());
    assertNull(cold.error(), cold::all);
    Files.writeString(dir.resolve("b1/.datomic/dist/bin/transactor"), "# appended\n",
        StandardOpenOption.APPEND); // in place: the cache's file too
    Fixture.Run warm = build("b2", env());
    assertNull(warm.error(), warm::all);
    assertTrue(warm.all().contains(" !     Warning: The cached Datomic Pro 1.0.7622 changed since"
        + " it was cached; downloading it again."), warm.all());
    assertTrue(warm.all().contains("(changed or damaged since)"), warm.all());
    assertTrue(warm.all().contains("something rewrites, chmods or re-times the files"),
        warm.all());
    assertEquals(2, server.requests().size(), "downloaded again");
    assertFalse(Files.readString(dir.resolve("b2/.datomic/dist/bin/transactor"))
        .contains("# appended"));
    assertEquals(1, entries().size());

    Path entry = cache.resolve("datomic").resolve(entries().get(0)).resolve("tree");
    Files.delete(entry.resolve("lib/dep-3.jar")); // a file lost from the cache
    Fixture.Run third = build("b3", env());
    assertNull(third.error(), third::all);
    assertTrue(third.all().contains("(changed or damaged since)"), third.all());
    assertEquals(3, server.requests().size(), "downloaded again");
    assertTrue(Files.isRegularFile(dir.resolve("b3/.datomic/dist/lib/dep-3.jar")));
    assertEquals(List.of("dist"), Fixture.list(dir.resolve("b3/.datomic")));
  }

  /**
   * Changes that keep the size: rewriting a file in place with as many bytes, or a chmod. Both
   * reach the cache through the hard link; the fingerprint (mode and time too) catches them.
   */
  @Test
  void aSameSizeRewriteOrAChmodSinceCachingIsCaught() throws Exception {
    assertNull(build("b1", env()).error());
    Path transactor = dir.resolve("b1/.datomic/dist/bin/transactor");
    byte[] bytes = Files.readAllBytes(transactor);
    bytes[bytes.length - 1] ^= 1;
    Files.write(transactor, bytes); // same inode, same size: the cache's file changes too
    Fixture.Run second = build("b2", env());
    assertNull(second.error(), second::all);
    assertTrue(second.all().contains("(changed or damaged since)"), second.all());
    assertEquals(2, server.requests().size(), "downloaded again");
    assertFalse(Arrays.equals(bytes, Files.readAllBytes(
        dir.resolve("b2/.datomic/dist/bin/transactor"))), "the slug has the zip's bytes");

    Path jar = dir.resolve("b2/.datomic/dist/lib/dep-1.jar");
    Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rwxrwxrwx"));
    Fixture.Run third = build("b3", env());
    assertNull(third.error(), third::all);
    assertTrue(third.all().contains("(changed or damaged since)"), third.all());
    assertEquals(3, server.requests().size(), "downloaded again");
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(
        dir.resolve("b3/.datomic/dist/lib/dep-1.jar"))));

    Fixture.Run fourth = build("b4", env());
    assertNull(fourth.error(), fourth::all);
    assertTrue(fourth.out().contains("Using cached"), fourth.out());
    assertEquals(3, server.requests().size(), "an unchanged entry is used");
  }

  private static Object inode(Path p) throws Exception {
    return Files.getAttribute(p, "unix:ino");
  }

  @Test
  void changedBytesForARecordedVersionFailLoudly() throws Exception {
    Fixture.Run first = build("b1", env());
    assertNull(first.error(), first::all);
    // The tree goes (pruned, or cache trimmed), the recorded checksum stays.
    Fixture.Run other = build("b0", Map.of("DATOMIC_DOWNLOAD_URL",
        server.url("/datomic-pro-{version}.zip"), "DATOMIC_VERSION", "1.0.7556"));
    assertNull(other.error(), other::all);
    assertEquals(1, entries().size(), "older entry pruned: " + entries());
    server.on("/datomic-pro-1.0.7622.zip", ok(tampered));
    Fixture.Run second = build("b2", env());
    assertNotNull(second.error(), second::all);
    assertEquals("The Datomic zip's SHA-256 does not match.", second.error().summary());
    assertTrue(second.all().contains("recorded when this version was first downloaded"),
        second.all());
    assertTrue(second.all().contains("DATOMIC_SHA256="), second.all());
    assertEquals(1, entries().size(), "no entry for the tampered download");
  }

  @Test
  void pinnedChecksumDifferentFromCachedEntryBypassesTheCache() throws Exception {
    Fixture.Run first = build("b1", env());
    assertNull(first.error(), first::all);
    server.on("/datomic-pro-1.0.7622.zip", ok(tampered));
    Map<String, String> env = env();
    env.put("DATOMIC_SHA256", DistributionDownloadTest.sha(tampered));
    Fixture.Run second = build("b2", env);
    assertNull(second.error(), second::all);
    assertTrue(second.out().contains("Not using the cached Datomic Pro 1.0.7622: its SHA-256 "
        + first.result().sha256().substring(0, 12)), second.out());
    assertEquals(DistributionDownloadTest.sha(tampered), second.result().sha256());
    assertEquals(List.of(DistributionCache.key(Edition.PRO, DatomicVersion.of("1.0.7622"),
        second.result().sha256())), entries(), "only the entry in use is kept");
    assertEquals(2, server.requests().size());
  }

  @Test
  void oldEntriesArePrunedButRecordsKept() throws Exception {
    Map<String, String> env = env();
    env.put("DATOMIC_VERSION", "1.0.7556");
    assertNull(build("b1", env).error());
    Fixture.Run second = build("b2", env());
    assertNull(second.error(), second::all);
    assertEquals(1, entries().size());
    assertTrue(entries().get(0).startsWith("pro-1.0.7622-"));
    assertTrue(second.out().contains("Removed from the build cache"), second.out());
    String index = Files.readString(cache.resolve("datomic/index.json"));
    assertTrue(index.contains("pro-1.0.7556") && index.contains("pro-1.0.7622"), index);
  }

  @Test
  void halfWrittenEntriesAreNeverTrusted() throws Exception {
    Path root = Files.createDirectories(cache.resolve("datomic"));
    // A build killed during unpacking leaves a staging folder...
    Files.createDirectories(root.resolve(".tmp-1234/tree/bin"));
    Files.writeString(root.resolve(".tmp-1234/tree/bin/transactor"), "partial");
    // ...and a tampered or damaged entry has no (valid) entry.json.
    Path fake = Files.createDirectories(root.resolve("pro-1.0.7622-000000000000/tree/bin"));
    Files.writeString(fake.resolve("transactor"), "not real");
    Fixture.Run run = build("b1", env());
    assertNull(run.error(), run::all);
    assertTrue(run.out().contains("Removed an incomplete cache entry"), run.out());
    assertEquals(1, server.requests().size(), "downloaded instead of trusting it");
    assertFalse(Files.exists(root.resolve(".tmp-1234")));
    assertEquals(1, entries().size());
    assertFalse(entries().get(0).equals("pro-1.0.7622-000000000000"));
  }

  /**
   * A download unpacks next to the target, then links the checked tree into the cache's staging
   * folder. A build killed half-way leaves either; neither is ever trusted, even when the staging
   * copy looks complete, and the next build removes both.
   */
  @Test
  void aBuildKilledWhileWritingBothTreesLeavesNothingTrusted() throws Exception {
    Path root = Files.createDirectories(cache.resolve("datomic"));
    Path staged = Files.createDirectories(root.resolve(".tmp-killed/tree/bin"));
    Files.writeString(staged.resolve("transactor"), "complete-looking");
    Files.writeString(root.resolve(".tmp-killed/entry.json"), "{\"edition\":\"pro\","
        + "\"version\":\"1.0.7622\",\"sha256\":\"" + "0".repeat(64) + "\",\"bytes\":1}");
    Path half = Files.createDirectories(dir.resolve("b1/.datomic/.dist-tmp-killed/tree/bin"));
    Files.writeString(half.resolve("transactor"), "partial");
    Fixture.Run run = build("b1", env());
    assertNull(run.error(), run::all);
    assertEquals(1, server.requests().size(), "downloaded instead of trusting the staging copy");
    assertFalse(Files.exists(root.resolve(".tmp-killed")));
    assertEquals(List.of("dist"), Fixture.list(dir.resolve("b1/.datomic")));
    assertEquals(1, entries().size());
  }

  /** A checksum mismatch is found after the tree is written: nothing survives. */
  @Test
  void checksumMismatchAfterWritingBothTreesLeavesNeither() throws Exception {
    Map<String, String> env = env();
    env.put("DATOMIC_SHA256", "0".repeat(64));
    Fixture.Run run = build("b1", env);
    assertNotNull(run.error());
    assertTrue(run.error().summary().contains("SHA-256 does not match"), run::all);
    Fixture.assertNoCacheEntry(cache);
    assertEquals(List.of(), entries(), "no staging folder left in the cache");
    assertEquals(List.of(), Fixture.list(dir.resolve("b1/.datomic")));
  }

  @Test
  void failedDownloadLeavesNoEntryAndNothingElse() throws Exception {
    server.on("/datomic-pro-1.0.7622.zip", FaultyHttpServer.truncated(zip, zip.length / 2, false));
    Fixture.Run run = build("b1", env());
    assertNotNull(run.error());
    Fixture.assertNoCacheEntry(cache);
    assertEquals(List.of(), Fixture.list(dir.resolve("b1/.datomic")));
  }

  @Test
  void unusableCacheIsExplainedAndInstallStillWorks() throws Exception {
    Path notADir = Files.writeString(dir.resolve("cache-file"), "x");
    Fixture.Run run = Fixture.install(env(), notADir, dir.resolve("b1/.datomic/dist"),
        Fixture.fast());
    assertNull(run.error(), run::all);
    assertTrue(run.out().contains("Not using the build cache for Datomic:"), run.out());
    assertTrue(Files.isRegularFile(dir.resolve("b1/.datomic/dist/bin/transactor")));
    assertEquals(List.of("dist"), Fixture.list(dir.resolve("b1/.datomic")));
  }

  @Test
  void fileUrlWorksOfflineAndIsCached() throws Exception {
    Path zipFile = dir.resolve("datomic-pro-1.0.7622.zip");
    Files.write(zipFile, zip);
    Map<String, String> env = Map.of("DATOMIC_DOWNLOAD_URL", zipFile.toUri().toString());
    Fixture.Run run = build("b1", env);
    assertNull(run.error(), run::all);
    assertTrue(run.out().contains("Reading file:"), run.out());
    assertEquals(1, entries().size());
  }

  @Test
  void reinstallReplacesAnExistingTarget() throws Exception {
    Path target = dir.resolve("b1/.datomic/dist");
    Files.createDirectories(target.resolve("stale"));
    Fixture.Run run = build("b1", env());
    assertNull(run.error(), run::all);
    assertFalse(Files.exists(target.resolve("stale")));
    assertTrue(Files.isRegularFile(target.resolve("bin/transactor")));
  }
}
