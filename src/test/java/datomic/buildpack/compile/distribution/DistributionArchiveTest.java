package datomic.buildpack.compile.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.compile.distribution.download.DownloadPolicy;
import datomic.buildpack.local.FakeDistribution;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile and broken archives, built at test time, read from file: URLs. */
class DistributionArchiveTest {
  private static final String TOP = "datomic-pro-1.0.7622/";

  @TempDir
  Path dir;
  private Path cache;
  private Path target;

  @BeforeEach
  void setUp() throws Exception {
    cache = Files.createDirectories(dir.resolve("work/cache"));
    target = dir.resolve("work/build/.datomic/dist");
  }

  private Fixture.Run install(FakeDistribution fake, DownloadPolicy policy) throws Exception {
    Path zip = dir.resolve("in/datomic-pro-1.0.7622.zip");
    Files.createDirectories(zip.getParent());
    fake.writeTo(zip);
    return installFile(zip, policy);
  }

  private Fixture.Run installFile(Path zip, DownloadPolicy policy) {
    return Fixture.install(Map.of("DATOMIC_DOWNLOAD_URL", zip.toUri().toString()), cache, target,
        policy);
  }

  private void assertRefused(Fixture.Run run, String summaryPart, String detailPart) {
    assertNotNull(run.error(), () -> "expected a failure: " + run.all());
    assertTrue(run.error().summary().contains(summaryPart), run.error().summary());
    assertTrue(run.all().contains(detailPart), run.all());
    Fixture.assertNoCacheEntry(cache);
    assertFalse(Files.exists(target));
    assertEquals(List.of(), Fixture.list(target.getParent()));
  }

  @Test
  void zipSlipIsRefusedBeforeWriting() throws Exception {
    String name = "evil-" + UUID.randomUUID() + ".txt";
    Fixture.Run run = install(Fixture.fake().extraEntry(TOP + "../../" + name,
        "pwned".getBytes(StandardCharsets.UTF_8)), Fixture.fast());
    assertRefused(run, "Refused to unpack", "contains '..'");
    try (var walk = Files.walk(dir)) {
      assertFalse(walk.anyMatch(p -> p.getFileName().toString().equals(name)), "nothing written");
    }
  }

  @Test
  void absolutePathIsRefused() throws Exception {
    Path evil = dir.resolve("absolute-" + UUID.randomUUID());
    Fixture.Run run = install(Fixture.fake().extraEntry(evil.toString(), new byte[] {1}),
        Fixture.fast());
    assertRefused(run, "Refused to unpack", "absolute path");
    assertFalse(Files.exists(evil));
  }

  @Test
  void symlinkPointingOutsideIsRefused() throws Exception {
    Fixture.Run run = install(Fixture.fake().symlink(TOP + "lib/escape", "../../../../../etc"),
        Fixture.fast());
    assertRefused(run, "Refused to unpack",
        "Symlink '" + TOP + "lib/escape' points to '../../../../../etc', outside");
  }

  @Test
  void symlinkEscapingThroughALaterLinkIsRefused() throws Exception {
    // Each link alone stays inside; followed together they reach the file system's root.
    Fixture.Run run = install(Fixture.fake()
            .symlink(TOP + "p", "a/b/c/d/e/l/../../../../../..")
            .extraEntry(TOP + "a/b/c/d/e/keep", new byte[] {1})
            .symlink(TOP + "a/b/c/d/e/l", "../../../../.."),
        Fixture.fast());
    assertRefused(run, "Refused to unpack", "outside the distribution");
    assertFalse(Files.exists(target.resolve("p"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void danglingLinkEscapingThroughAnotherLinkIsRefused() throws Exception {
    // By name, a/L leads to TOP/escaped-x; really, s is the top folder, so s/../.. is above it
    // and writing through L would create a file two levels above the unpacked tree.
    String name = "escaped-" + UUID.randomUUID();
    Fixture.Run run = install(Fixture.fake()
            .symlink(TOP + "a/s", "..")
            .symlink(TOP + "a/L", "s/../../" + name),
        Fixture.fast());
    assertRefused(run, "Refused to unpack", "Symlink '" + TOP + "a/L' points to 's/../../" + name
        + "', outside the distribution");
    assertNothingNamed(name);
  }

  @Test
  void deeperDanglingLinkEscapingThroughTwoLinksIsRefused() throws Exception {
    // s leads to the top folder through t, so L's missing target is really four levels above the
    // tree; by name it is inside (a/b/c/s/../../../.. is the top folder).
    String name = "escaped-" + UUID.randomUUID();
    Fixture.Run run = install(Fixture.fake()
            .symlink(TOP + "a/b/c/L", "s/../../../../" + name + "/sub/file")
            .symlink(TOP + "a/b/c/s", "../t")
            .symlink(TOP + "a/b/t", "../.."),
        Fixture.fast());
    assertRefused(run, "Refused to unpack", "outside the distribution");
    assertNothingNamed(name);
  }

  @Test
  void danglingLinksThroughLinksThatStayInsideAreKept() throws Exception {
    Fixture.Run run = install(Fixture.fake()
            .symlink(TOP + "a/s", "../bin")
            .symlink(TOP + "a/L", "s/../presto-server/lib/README"),
        Fixture.fast());
    assertNull(run.error(), run::all);
    assertTrue(Files.isSymbolicLink(target.resolve("a/L")));
    assertFalse(Files.exists(target.resolve("a/L")), "presto-server/ is left out");
  }

  /**
   * c dangles inside (data/ appears when the transactor first runs); by name L's target
   * c/../../../x is inside too, but once data/ exists it climbs from there: two levels above the
   * tree. A ".." after a part that does not exist yet is refused.
   */
  @Test
  void aDotDotAfterADanglingLinkIsRefused() throws Exception {
    String name = "escaped-" + UUID.randomUUID();
    Fixture.Run run = install(Fixture.fake()
            .symlink(TOP + "a/b/c", "../../data")
            .symlink(TOP + "a/b/L", "c/../../../" + name),
        Fixture.fast());
    assertRefused(run, "Refused to unpack", "outside the distribution");
    assertNothingNamed(name);
  }

  private void assertNothingNamed(String name) throws Exception {
    for (Path p = dir; p != null; p = p.getParent()) {
      assertFalse(Files.exists(p.resolve(name), LinkOption.NOFOLLOW_LINKS), p.toString());
    }
    try (var walk = Files.walk(dir)) {
      assertFalse(walk.anyMatch(p -> p.getFileName().toString().equals(name)), "nothing written");
    }
  }

  @Test
  void linkIntoAFolderLeftOutOfTheSlugIsKeptDangling() throws Exception {
    Fixture.Run run = install(Fixture.fake().symlink(TOP + "lib/presto-readme",
        "../presto-server/lib/README"), Fixture.fast());
    assertNull(run.error(), run::all);
    assertTrue(Files.isSymbolicLink(target.resolve("lib/presto-readme")));
    assertFalse(Files.exists(target.resolve("lib/presto-readme")), "presto-server/ is left out");
  }

  @Test
  void oversizedLinkEntryIsRefusedWithoutReadingIt() throws Exception {
    Fixture.Run run = install(Fixture.fake().symlink(TOP + "lib/huge", "x".repeat(5000)),
        Fixture.fast());
    assertRefused(run, "Refused to unpack", "no real link is that long");
  }

  @Test
  void absoluteSymlinkIsRefused() throws Exception {
    Fixture.Run run = install(Fixture.fake().symlink(TOP + "lib/passwd", "/etc/passwd"),
        Fixture.fast());
    assertRefused(run, "Refused to unpack", "outside the distribution");
  }

  @Test
  void symlinkInsideIsKeptAsALink() throws Exception {
    Fixture.Run run = install(Fixture.fake().symlink(TOP + "bin/tx", "transactor"),
        Fixture.fast());
    assertNull(run.error(), run::all);
    assertTrue(Files.isSymbolicLink(target.resolve("bin/tx")));
    assertEquals("transactor", Files.readSymbolicLink(target.resolve("bin/tx")).toString());
  }

  @Test
  void oversizeArchiveIsRefused() throws Exception {
    DownloadPolicy small = Fixture.fast().withCaps(1L << 30, 3_000_000, 100_000);
    Fixture.Run run = install(Fixture.fake().zeros(TOP + "lib/bomb.jar", 50_000_000), small);
    assertRefused(run, "Refused to unpack", "zip bomb");
  }

  @Test
  void centralDirectoryOverThePolicysCapIsRefused() throws Exception {
    DownloadPolicy small = Fixture.fast().withMaxCentralDirectoryBytes(512);
    Fixture.Run run = install(Fixture.fake().jars(40, 50_000), small);
    assertRefused(run, "Refused to unpack", "central directory (its list of entries) is larger"
        + " than 512 bytes");
  }

  @Test
  void tooManyEntriesAreRefused() throws Exception {
    DownloadPolicy small = Fixture.fast().withCaps(1L << 30, 1L << 30, 20);
    Fixture.Run run = install(Fixture.fake().jars(50, 10), small);
    assertRefused(run, "Refused to unpack", "more than 20 entries");
  }

  @Test
  void duplicateEntryIsRefused() throws Exception {
    Fixture.Run run = install(Fixture.fake().extraEntry(TOP + "bin/transactor", new byte[] {1}),
        Fixture.fast());
    assertRefused(run, "Refused to unpack", "twice");
  }

  @Test
  void otherVersionInTheZipSaysWhichVersionToSet() throws Exception {
    Path zip = dir.resolve("in/other.zip");
    Files.createDirectories(zip.getParent());
    Fixture.fake().version("1.0.7556").writeTo(zip);
    Fixture.Run run = installFile(zip, Fixture.fast());
    assertRefused(run, "holds datomic-pro-1.0.7556, not datomic-pro-1.0.7622",
        "Set DATOMIC_VERSION=1.0.7556");
  }

  @Test
  void notADatomicZip() throws Exception {
    Fixture.Run run = install(Fixture.fake().extraEntry("README.txt", new byte[] {1}),
        Fixture.fast());
    assertRefused(run, "is not a Datomic distribution", "README.txt");
  }

  @Test
  void missingTransactorIsNamed() throws Exception {
    Fixture.Run run = install(Fixture.fake().omit("bin/transactor"), Fixture.fast());
    assertRefused(run, "not a usable Datomic Pro 1.0.7622 distribution", "no bin/transactor");
  }

  @Test
  void truncatedFileFailsClearly() throws Exception {
    Path zip = dir.resolve("in/datomic-pro-1.0.7622.zip");
    Files.createDirectories(zip.getParent());
    Fixture.fake().jars(5, 50_000).writeTo(zip);
    byte[] bytes = Files.readAllBytes(zip);
    Files.write(zip, java.util.Arrays.copyOf(bytes, bytes.length * 2 / 3));
    Fixture.Run run = installFile(zip, Fixture.fast());
    assertRefused(run, "is incomplete", "ends early");
  }

  @Test
  void truncatedAtTheCentralDirectoryFailsClearly() throws Exception {
    Path zip = dir.resolve("in/datomic-pro-1.0.7622.zip");
    Files.createDirectories(zip.getParent());
    Fixture.fake().jars(5, 50_000).writeTo(zip);
    byte[] bytes = Files.readAllBytes(zip);
    Files.write(zip, java.util.Arrays.copyOf(bytes, bytes.length - 30));
    Fixture.Run run = installFile(zip, Fixture.fast());
    assertRefused(run, "is incomplete", "ends early");
  }

  @Test
  void corruptBytesAreCaught() throws Exception {
    Path zip = dir.resolve("in/datomic-pro-1.0.7622.zip");
    Files.createDirectories(zip.getParent());
    Fixture.fake().jars(5, 50_000).writeTo(zip);
    byte[] bytes = Files.readAllBytes(zip);
    for (int i = bytes.length / 2; i < bytes.length / 2 + 64; i++) {
      bytes[i] ^= 0x5a;
    }
    Files.write(zip, bytes);
    Fixture.Run run = installFile(zip, Fixture.fast());
    assertNotNull(run.error(), run::all);
    assertTrue(run.error().summary().contains("damaged")
        || run.error().summary().contains("incomplete"), run.error().summary());
    Fixture.assertNoCacheEntry(cache);
  }

  @Test
  void missingFileUrlIsExplained() {
    Fixture.Run run = installFile(dir.resolve("nope.zip"), Fixture.fast());
    assertNotNull(run.error());
    assertEquals("Could not read the Datomic zip.", run.error().summary());
    assertTrue(run.all().contains("there is no file at"), run.all());
  }

  @Test
  void modesAreAppliedFromTheCentralDirectory() throws Exception {
    Fixture.Run run = install(Fixture.fake(), Fixture.fast());
    assertNull(run.error(), run::all);
    for (String exe : List.of("bin/transactor", "bin/run", "bin/datomic", "bin/classpath")) {
      assertTrue(Files.isExecutable(target.resolve(exe)), exe);
    }
    assertFalse(Files.isExecutable(target.resolve("bin/logback.xml")));
    assertEquals(FakeDistribution.RELEASED, Files.getLastModifiedTime(
        target.resolve("bin/transactor")), "files keep the zip's times, as unzip does");
    assertFalse(Files.isSymbolicLink(target.resolve("bin")));
    assertTrue(Files.isDirectory(target.resolve("lib"), LinkOption.NOFOLLOW_LINKS));
  }
}
