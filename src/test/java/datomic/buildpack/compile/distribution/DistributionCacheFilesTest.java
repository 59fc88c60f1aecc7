package datomic.buildpack.compile.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.catalog.DatomicVersion;
import datomic.buildpack.catalog.Edition;
import datomic.buildpack.files.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code entry.json} and {@code index.json} outlive buildpack versions (the index survives every
 * cache clear): what earlier versions wrote is read, what this one writes is the same format.
 */
class DistributionCacheFilesTest {
  private static final Edition PRO = Edition.PRO;
  private static final DatomicVersion VERSION = DatomicVersion.of("1.0.7622");
  private static final String SHA = "ab".repeat(32);

  @TempDir Path cacheDir;

  private Path entry(DistributionCache cache, String json) throws Exception {
    Path dir = cache.root().resolve(DistributionCache.key(PRO, VERSION, SHA));
    Files.createDirectories(dir.resolve("tree/bin"));
    Files.writeString(dir.resolve("tree/bin/transactor"), "#!/bin/sh\n");
    Files.writeString(dir.resolve("entry.json"), json);
    return dir;
  }

  @Test
  void readsEntryAndIndexIgnoringUnknownFields() throws Exception {
    DistributionCache cache = DistributionCache.open(cacheDir);
    entry(cache, "{\n  \"edition\" : \"pro\",\n  \"version\" : \"1.0.7622\",\n  \"sha256\" : \""
        + SHA + "\",\n  \"files\" : 316,\n  \"bytes\" : 242531029,\n"
        + "  \"fingerprint\" : \"3f2a9c01b7de\",\n"
        + "  \"created\" : \"2026-01-02T03:04:05.123Z\",\n  \"addedLater\" : {\"x\" : [1, 2]}\n}");
    Files.writeString(cache.root().resolve("index.json"), "{\n  \"checksums\" : {\n"
        + "    \"pro-1.0.7622\" : {\n      \"sha256\" : \"" + SHA + "\",\n"
        + "      \"firstSeen\" : \"2026-01-02T03:04:05Z\",\n      \"addedLater\" : true\n    }\n"
        + "  },\n  \"addedLater\" : null\n}");
    List<String> notes = new ArrayList<>();
    List<DistributionCache.Entry> found = cache.find(PRO, VERSION, notes);
    assertEquals(List.of(), notes);
    assertEquals(1, found.size());
    assertEquals(SHA, found.get(0).sha256());
    assertTrue(new Trees.Counts(316, 242531029L, "3f2a9c01b7de").sameAs(found.get(0).counts()),
        found.get(0).counts().toString());
    assertEquals(Optional.of(new DistributionCache.Recorded(SHA, "2026-01-02T03:04:05Z")),
        cache.recorded(PRO, VERSION));
  }

  @Test
  void writesTheFormatItReads() throws Exception {
    DistributionCache cache = DistributionCache.open(cacheDir);
    Path staging = cache.newStaging();
    Files.createDirectories(staging.resolve("tree/bin"));
    Files.writeString(staging.resolve("tree/bin/transactor"), "#!/bin/sh\n");
    DistributionCache.Entry entry = cache.commit(staging, PRO, VERSION, SHA,
        new Trees.Counts(1, 1234, "c0ffee"));
    cache.record(PRO, VERSION, SHA);
    String time = "\"[0-9T:.-]+Z\"";
    assertTrue(Files.readString(entry.dir().resolve("entry.json")).matches(
        "\\{\n  \"edition\" : \"pro\",\n  \"version\" : \"1.0.7622\",\n  \"sha256\" : \"" + SHA
            + "\",\n  \"files\" : 1,\n  \"bytes\" : 1234,\n  \"fingerprint\" : \"c0ffee\",\n"
            + "  \"created\" : " + time + "\n}"),
        Files.readString(entry.dir().resolve("entry.json")));
    String index = Files.readString(cache.root().resolve("index.json"));
    assertTrue(index.matches("\\{\n  \"checksums\" : \\{\n    \"pro-1.0.7622\" : \\{\n"
        + "      \"sha256\" : \"" + SHA + "\",\n      \"firstSeen\" : " + time + "\n    }\n"
        + "  }\n}"), index);
  }

  @Test
  void aDamagedEntryIsRemovedAndADamagedIndexStartsAgain() throws Exception {
    DistributionCache cache = DistributionCache.open(cacheDir);
    for (String damaged : List.of("{\"edition\" : \"pro\", \"version\" : ", "[]", "null",
        "{\"edition\" : [\"pro\"], \"version\" : \"1.0.7622\", \"sha256\" : \"" + SHA + "\"}",
        "{\"edition\" : \"pro\", \"version\" : \"1.0.7622\", \"sha256\" : \"" + SHA + "\","
            + " \"bytes\" : \"many\"}")) {
      Path dir = entry(cache, damaged);
      List<String> notes = new ArrayList<>();
      assertEquals(List.of(), cache.find(PRO, VERSION, notes), damaged);
      assertEquals(1, notes.size(), damaged);
      assertFalse(Files.exists(dir), damaged);
    }
    for (String damaged : List.of("{\"checksums\" : ", "[1]", "{\"checksums\" : [\"x\"]}",
        "{\"checksums\" : {\"pro-1.0.7622\" : {\"sha256\" : 64}}}")) {
      Files.writeString(cache.root().resolve("index.json"), damaged);
      assertEquals(Optional.empty(), cache.recorded(PRO, VERSION), damaged);
      cache.record(PRO, VERSION, SHA);
      assertEquals(SHA, cache.recorded(PRO, VERSION).orElseThrow().sha256(), damaged);
    }
  }

  private static Path staged(DistributionCache cache) throws Exception {
    Path staging = cache.newStaging();
    Files.createDirectories(staging.resolve("tree/bin"));
    Files.writeString(staging.resolve("tree/bin/transactor"), "#!/bin/sh\n");
    return staging;
  }

  /**
   * Another build sharing the cache, starting or pruning while this one stages an entry, leaves
   * the staging folder alone (its lock is held); what a killed build left (no lock, or a lock
   * no one holds) is removed.
   */
  @Test
  void anotherBuildLeavesAStagingFolderInUseAloneAndRemovesLeftovers() throws Exception {
    DistributionCache mine = DistributionCache.open(cacheDir);
    Path staging = staged(mine);
    Path killed = Files.createDirectories(mine.root().resolve(".tmp-killed/tree"));
    Path killedWithLock = Files.createDirectories(mine.root().resolve(".tmp-killed2/tree"));
    Files.writeString(mine.root().resolve(".lock-killed2"), "");
    Path oldTemp = Files.writeString(mine.root().resolve(".index.json.123.tmp"), "{");
    Files.setLastModifiedTime(oldTemp, java.nio.file.attribute.FileTime.from(
        java.time.Instant.now().minus(java.time.Duration.ofHours(2))));
    Path newTemp = Files.writeString(mine.root().resolve(".index.json.456.tmp"), "{");

    DistributionCache other = DistributionCache.open(cacheDir);
    other.removeLeftovers();
    other.prune("pro-1.0.7556-000000000000");
    assertTrue(Files.isDirectory(staging), "another build's staging folder was removed");
    assertTrue(Files.exists(newTemp), "a file being written was removed");
    for (Path gone : List.of(killed, killedWithLock.getParent(), oldTemp,
        mine.root().resolve(".lock-killed2"))) {
      assertFalse(Files.exists(gone), gone + " left over");
    }
    DistributionCache.Entry entry = mine.commit(staging, PRO, VERSION, SHA,
        new Trees.Counts(1, 10, "c0ffee"));
    assertTrue(Files.isRegularFile(entry.tree().resolve("bin/transactor")));
    try (var names = Files.list(mine.root())) {
      assertEquals(List.of(".index.json.456.tmp", entry.key()),
          names.map(p -> p.getFileName().toString()).sorted().toList(), "the lock went too");
    }
  }

  /** Two builds caching the same distribution at once: the second keeps the first's entry. */
  @Test
  void aSecondCommitOfTheSameEntryKeepsTheFirst() throws Exception {
    DistributionCache first = DistributionCache.open(cacheDir);
    DistributionCache second = DistributionCache.open(cacheDir);
    Path a = staged(first);
    Path b = staged(second);
    DistributionCache.Entry one = first.commit(a, PRO, VERSION, SHA, new Trees.Counts(1, 10, "1"));
    // A build may be linking its slug from this very entry: it must not be replaced under it.
    Object inode = Files.getAttribute(one.tree().resolve("bin/transactor"), "unix:ino");
    DistributionCache.Entry two = second.commit(b, PRO, VERSION, SHA,
        new Trees.Counts(1, 10, "1"));
    assertEquals(one.dir(), two.dir());
    assertEquals(inode, Files.getAttribute(two.tree().resolve("bin/transactor"), "unix:ino"),
        "the first entry was replaced");
    assertFalse(Files.exists(b), "the second staging folder is removed");
    try (var names = Files.list(first.root())) {
      assertEquals(List.of(one.key()), names.map(p -> p.getFileName().toString()).toList());
    }
  }
}
