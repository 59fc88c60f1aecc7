package datomic.buildpack.compile.distribution.zip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.compile.distribution.Fixture;
import datomic.buildpack.compile.distribution.download.DownloadPolicy;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The central directory is read from the zip's tail kept in memory (no copy of the download on
 * disk): a tail smaller than the zip but holding the directory is enough; a directory larger than
 * the tail is refused with a reason.
 */
class ZipUnpackerTailTest {
  private static final String TOP = "datomic-pro-1.0.7622";

  @TempDir
  Path dir;

  private Path zip() throws Exception {
    // 40 jars of 50 KB and a link: a 2 MB zip whose central directory is a few KB
    Files.createDirectories(dir.resolve("in"));
    return Fixture.fake().jars(40, 50_000).symlink(TOP + "/bin/tx", "transactor")
        .writeTo(dir.resolve("in/" + TOP + ".zip"));
  }

  @Test
  void aTailSmallerThanTheZipIsEnoughForModesAndLinks() throws Exception {
    Path zip = zip();
    int tail = 64 * 1024;
    assertTrue(Files.size(zip) > 16L * tail, "the zip must be much larger than the tail");
    Path tree = dir.resolve("tree");
    ZipUnpacker.Result result;
    try (InputStream in = Files.newInputStream(zip)) {
      result = new ZipUnpacker(withTail(tail), List.of("samples/"))
          .unpack(in, TOP, tree);
    }
    assertTrue(result.files() > 40, "files: " + result.files());
    assertTrue(Files.isExecutable(tree.resolve("bin/transactor")), "mode from the directory");
    assertTrue(Files.isDirectory(tree.resolve("lib"), LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.readString(tree.resolve("bin/transactor")).startsWith("#!"));
    assertTrue(Files.isSymbolicLink(tree.resolve("bin/tx")), "link from the directory");
    assertEquals("transactor", Files.readSymbolicLink(tree.resolve("bin/tx")).toString());
  }

  @Test
  void aCentralDirectoryLargerThanTheTailIsRefused() throws Exception {
    Path zip = zip();
    ArchiveException e;
    try (InputStream in = Files.newInputStream(zip)) {
      e = assertThrows(ArchiveException.class,
          () -> new ZipUnpacker(withTail(512), List.of()).unpack(in, TOP,
              dir.resolve("tree")));
    }
    assertEquals(ArchiveException.Kind.TOO_BIG, e.kind());
    assertTrue(e.getMessage().contains("central directory"), e.getMessage());
    assertTrue(e.getMessage().contains("larger than 512 bytes"), e.getMessage());
  }

  @Test
  void aWrongCentralDirectoryOffsetIsDamageNotSize() throws Exception {
    // The end record's size field is right (a few KB, within the tail), its offset field wrong.
    // Too small, the reader finds the directory anyway and a check fails; too large (within the
    // tail), it then reads the zip's start, before the tail: the directory would fit, so the zip
    // is damaged, not too big.
    for (long offset : new long[] {0, 12_345, -1_000}) {
      byte[] bytes = Files.readAllBytes(zip());
      int end = endRecord(bytes);
      putInt(bytes, end + 16, offset < 0 ? end + offset : offset);
      ArchiveException e = assertThrows(ArchiveException.class,
          () -> new ZipUnpacker(withTail(64 * 1024), List.of())
              .unpack(new ByteArrayInputStream(bytes), TOP, dir.resolve("tree-" + offset)));
      assertEquals(ArchiveException.Kind.CORRUPT, e.kind(), e.getMessage());
      assertTrue(e.getMessage().contains("central directory is damaged"), e.getMessage());
    }
  }

  @Test
  void aZip64EndRecordGivesTheDirectorysSize() throws Exception {
    // A ZIP64 zip whose 32-bit size field holds the "see the ZIP64 record" marker: the size is
    // read from the ZIP64 end record. Larger than the tail: too big; fits, offset wrong: damaged.
    Path zip = dir.resolve("in/zip64.zip");
    Files.createDirectories(zip.getParent());
    Fixture.fake().jars(40, 50_000).zip64().writeTo(zip);
    byte[] bytes = Files.readAllBytes(zip);
    int end = endRecord(bytes);
    putInt(bytes, end + 12, 0xFFFFFFFFL);
    ArchiveException big = assertThrows(ArchiveException.class,
        () -> new ZipUnpacker(withTail(512), List.of())
            .unpack(new ByteArrayInputStream(bytes), TOP, dir.resolve("tree-big")));
    assertEquals(ArchiveException.Kind.TOO_BIG, big.kind(), big.getMessage());

    int record = end - 20 - 56;
    assertEquals(0x06064b50L, getInt(bytes, record), "the ZIP64 end record");
    putInt(bytes, record + 48, 12_345); // the directory's offset, low half
    ArchiveException damaged = assertThrows(ArchiveException.class,
        () -> new ZipUnpacker(withTail(64 * 1024), List.of())
            .unpack(new ByteArrayInputStream(bytes), TOP, dir.resolve("tree-damaged")));
    assertEquals(ArchiveException.Kind.CORRUPT, damaged.kind(), damaged.getMessage());
  }

  private static DownloadPolicy withTail(int bytes) {
    return DownloadPolicy.defaults().withMaxCentralDirectoryBytes(bytes);
  }

  /** Where the end-of-central-directory record starts (no zip comment here). */
  private static int endRecord(byte[] zip) {
    int end = zip.length - 22;
    assertEquals(0x06054b50L, getInt(zip, end), "the end record");
    return end;
  }

  private static long getInt(byte[] b, int at) {
    return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16
        | (b[at + 3] & 0xFFL) << 24;
  }

  private static void putInt(byte[] b, int at, long value) {
    for (int i = 0; i < 4; i++) {
      b[at + i] = (byte) (value >>> (8 * i));
    }
  }
}
