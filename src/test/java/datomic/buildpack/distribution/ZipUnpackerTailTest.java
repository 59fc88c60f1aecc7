package datomic.buildpack.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    // 40 jars of 50 KB: a 2 MB zip whose central directory is a few KB
    Files.createDirectories(dir.resolve("in"));
    return Fixture.fake().jars(40, 50_000).writeTo(dir.resolve("in/" + TOP + ".zip"));
  }

  @Test
  void aTailSmallerThanTheZipIsEnoughForModesAndLinks() throws Exception {
    Path zip = zip();
    int tail = 64 * 1024;
    assertTrue(Files.size(zip) > 16L * tail, "the zip must be much larger than the tail");
    Path tree = dir.resolve("tree");
    ZipUnpacker.Result result;
    try (InputStream in = Files.newInputStream(zip)) {
      result = new ZipUnpacker(1L << 30, 10_000, List.of("samples/"), tail)
          .unpack(in, TOP, tree);
    }
    assertTrue(result.files() > 40, "files: " + result.files());
    assertTrue(Files.isExecutable(tree.resolve("bin/transactor")), "mode from the directory");
    assertTrue(Files.isDirectory(tree.resolve("lib"), LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.readString(tree.resolve("bin/transactor")).startsWith("#!"));
  }

  @Test
  void aCentralDirectoryLargerThanTheTailIsRefused() throws Exception {
    Path zip = zip();
    ArchiveException e;
    try (InputStream in = Files.newInputStream(zip)) {
      e = assertThrows(ArchiveException.class,
          () -> new ZipUnpacker(1L << 30, 10_000, List.of(), 512).unpack(in, TOP,
              dir.resolve("tree")));
    }
    assertEquals(ArchiveException.Kind.TOO_BIG, e.kind());
    assertTrue(e.getMessage().contains("central directory"), e.getMessage());
    assertTrue(e.getMessage().contains("larger than 512 bytes"), e.getMessage());
  }
}
