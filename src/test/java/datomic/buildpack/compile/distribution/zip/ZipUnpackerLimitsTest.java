package datomic.buildpack.compile.distribution.zip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.compile.distribution.Fixture;
import datomic.buildpack.compile.distribution.download.DownloadPolicy;
import datomic.buildpack.local.FakeDistribution;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Limits the unpacker keeps while it writes: expansion (a data-descriptor entry with no sizes in
 * its header, an entry larger than it declares, an excluded entry), names and paths the file
 * system cannot hold, and modes that would leave files writable by anyone.
 */
class ZipUnpackerLimitsTest {
  private static final String TOP = "datomic-pro-1.0.7622/";
  private static final byte[] SOME = "some bytes\n".getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path dir;

  private Path zip(FakeDistribution fake) {
    return fake.writeTo(dir.resolve("in-" + System.nanoTime() + ".zip"));
  }

  private static ZipUnpacker.Result unpack(Path zip, Path tree, List<String> exclude)
      throws IOException {
    try (InputStream in = Files.newInputStream(zip)) {
      return new ZipUnpacker(DownloadPolicy.defaults(), exclude).unpack(in,
          TOP.substring(0, TOP.length() - 1), tree);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Expansion, counted as it is written

  /**
   * 200 MB of zeros in 0.2 MB, written without sizes in its local header (a data descriptor):
   * under the 3 GB cap, it was written whole. It is stopped within its first 2 MB.
   */
  @Test
  void aDataDescriptorBombIsStoppedWithinItsFirstMegabytes() throws Exception {
    Path zip = zip(Fixture.fake().zeros(TOP + "lib/bomb.jar", 200_000_000));
    assertTrue(Files.size(zip) < 1_000_000, "the bomb is small: " + Files.size(zip));
    Path tree = dir.resolve("tree");
    ArchiveException e = assertThrows(ArchiveException.class,
        () -> unpack(zip, tree, List.of()));
    assertEquals(ArchiveException.Kind.TOO_BIG, e.kind());
    assertTrue(e.getMessage().startsWith("'" + TOP + "lib/bomb.jar' expands more than 100 times"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("(a zip bomb?)"), e.getMessage());
    long written = Files.size(tree.resolve("lib/bomb.jar"));
    assertTrue(written <= 2 << 20, "written before it was stopped: " + written);
  }

  /** Left out of the slug, it would still have been inflated whole to find its end. */
  @Test
  void anExcludedDataDescriptorBombIsStoppedToo() throws Exception {
    Path zip = zip(Fixture.fake().zeros(TOP + "presto-server/lib/bomb.jar", 200_000_000));
    ArchiveException e = assertThrows(ArchiveException.class,
        () -> unpack(zip, dir.resolve("tree"), List.of("presto-server/")));
    assertEquals(ArchiveException.Kind.TOO_BIG, e.kind());
    assertTrue(e.getMessage().contains("presto-server/lib/bomb.jar' expands more than 100 times"),
        e.getMessage());
    assertFalse(Files.exists(dir.resolve("tree/presto-server")));
  }

  /** Real files pass: random jars (1:1), text (a few times), and small zero files. */
  @Test
  void ordinaryFilesAreNotMistakenForBombs() throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 0; text.length() < 3_000_000; i++) {
      text.append("(defn f").append(i).append(" [x] (inc x)) ; a line of Clojure\n");
    }
    Path zip = zip(Fixture.fake().jars(3, 2_000_000)
        .extraEntry(TOP + "doc/big.clj", text.toString().getBytes(StandardCharsets.UTF_8))
        .zeros(TOP + "lib/small-zeros.bin", 1_000_000));
    ZipUnpacker.Result result = unpack(zip, dir.resolve("tree"), List.of());
    assertTrue(result.bytes() > 9_000_000, "unpacked " + result.bytes());
  }

  /** An entry whose local header declares a size and holds more: stopped past that size. */
  @Test
  void anEntryLargerThanItsHeaderDeclaresIsRefused() throws Exception {
    Path zip = dir.resolve("liar.zip");
    byte[] content = new byte[500_000];
    try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip.toFile())) { // seekable:
      // sizes go into the local headers, no data descriptors
      for (String name : List.of(TOP, TOP + "bin/")) {
        out.putArchiveEntry(new ZipArchiveEntry(name));
        out.closeArchiveEntry();
      }
      ZipArchiveEntry liar = new ZipArchiveEntry(TOP + "bin/transactor");
      out.putArchiveEntry(liar);
      out.write(content);
      out.closeArchiveEntry();
    }
    byte[] bytes = Files.readAllBytes(zip);
    int header = indexOf(bytes, (TOP + "bin/transactor").getBytes(StandardCharsets.UTF_8)) - 30;
    assertEquals(0x04034b50, le32(bytes, header), "the entry's local header");
    assertEquals(content.length, le32(bytes, header + 22), "its declared size");
    putLe32(bytes, header + 22, 1000); // declares 1000 bytes, inflates to 500,000
    Files.write(zip, bytes);
    Path tree = dir.resolve("tree");
    ArchiveException e = assertThrows(ArchiveException.class, () -> unpack(zip, tree, List.of()));
    assertEquals(ArchiveException.Kind.UNSAFE, e.kind(), e.getMessage());
    assertEquals("'" + TOP + "bin/transactor' holds more than the 1,000 bytes its header"
        + " declares", e.getMessage());
    assertTrue(Files.size(tree.resolve("bin/transactor")) <= 1000, "nothing past the size");
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  private static int le32(byte[] b, int at) {
    return b[at] & 0xff | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16
        | (b[at + 3] & 0xff) << 24;
  }

  private static void putLe32(byte[] b, int at, int value) {
    for (int i = 0; i < 4; i++) {
      b[at + i] = (byte) (value >>> (8 * i));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Names and paths the file system cannot hold

  private Fixture.Run install(FakeDistribution fake) {
    Path zip = zip(fake);
    return Fixture.install(Map.of("DATOMIC_DOWNLOAD_URL", zip.toUri().toString()),
        dir.resolve("cache"), dir.resolve("build/.datomic/dist"), Fixture.fast());
  }

  private void assertRefused(Fixture.Run run, String detail) {
    assertNotNull(run.error(), run::all);
    assertTrue(run.error().summary().startsWith("Refused to unpack the Datomic zip"),
        run.error().summary());
    assertTrue(run.all().contains(detail), run.all());
    assertFalse(run.all().contains("disk is full"), run.all());
    assertFalse(Files.exists(dir.resolve("build/.datomic/dist")));
    assertEquals(List.of(), Fixture.list(dir.resolve("build/.datomic")));
  }

  @Test
  void aNameOf300CharactersIsTooLongNotADiskFull() {
    String name = "x".repeat(300) + ".jar";
    Fixture.Run run = install(Fixture.fake().extraEntry(TOP + "lib/" + name, SOME));
    assertRefused(run, "has a name too long for a file system: '" + "x".repeat(200)
        + "...' is 304 bytes, a file or folder name may have at most 255");
  }

  @Test
  void aFolderNameOf300CharactersIsTooLong() {
    String name = "d".repeat(300);
    Fixture.Run run = install(Fixture.fake().extraFolder(TOP + name + "/", 040755));
    assertRefused(run, "is 300 bytes, a file or folder name may have at most 255");
  }

  /** Each part is short; together they are longer than any path Linux takes. */
  @Test
  void aPathOver4095BytesIsTooLong() {
    String deep = "abcdefgh/".repeat(460) + "f.txt"; // 4145 bytes
    Fixture.Run run = install(Fixture.fake().extraEntry(TOP + deep, SOME));
    assertRefused(run, "has a path too long for a file system: unpacked, it is ");
    assertTrue(run.all().contains("a path may have at most 4,095 bytes"), run.all());
  }

  /** Multi-byte characters count as bytes: 100 of them are 300 bytes. */
  @Test
  void nameLengthsAreCountedInBytes() {
    String name = "\u00e9".repeat(100) + "\u20ac".repeat(20); // 200 + 60 bytes
    Fixture.Run run = install(Fixture.fake().extraEntry(TOP + "doc/" + name, SOME));
    assertRefused(run, "is 260 bytes, a file or folder name may have at most 255");
  }

  // ---------------------------------------------------------------------------------------------
  // Modes

  @Test
  void nothingUnpackedIsWritableByAnyoneButItsOwner() throws Exception {
    Fixture.Run run = install(Fixture.fake()
        .extraEntry(TOP + "bin/open-exec", SOME, 0100777)
        .extraEntry(TOP + "bin/setuid", SOME, 0104775)
        .extraEntry(TOP + "lib/open.txt", SOME, 0100666)
        .extraFolder(TOP + "open-dir/", 040777)
        .extraEntry(TOP + "open-dir/private.txt", SOME, 0100600)
        .extraEntry(TOP + "open-dir/owner-read-only.txt", SOME, 0100444)
        .extraEntry(TOP + "no-mode.txt", SOME, 0));
    assertNull(run.error(), run::all);
    Path dist = dir.resolve("build/.datomic/dist");
    assertEquals("rwxr-xr-x", mode(dist.resolve("bin/open-exec")));
    assertEquals("rwxr-xr-x", mode(dist.resolve("bin/setuid")));
    assertEquals("rw-r--r--", mode(dist.resolve("lib/open.txt")));
    assertEquals("rwxr-xr-x", mode(dist.resolve("open-dir")));
    assertEquals("rw-------", mode(dist.resolve("open-dir/private.txt")));
    assertEquals("rw-r--r--", mode(dist.resolve("open-dir/owner-read-only.txt")));
    assertEquals("rw-r--r--", mode(dist.resolve("no-mode.txt")));
    assertEquals("rwxr-xr-x", mode(dist.resolve("bin/transactor")), "exec bits kept");
    List<String> writable = new ArrayList<>(writableByOthers(dist));
    writable.addAll(writableByOthers(dir.resolve("cache/datomic")));
    assertEquals(List.of(), writable, "group- or world-writable");
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p,
        LinkOption.NOFOLLOW_LINKS));
  }

  /** Files and folders (not links, whose mode means nothing) that others may write to. */
  static List<String> writableByOthers(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> !Files.isSymbolicLink(p)).filter(p -> {
        try {
          Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p,
              LinkOption.NOFOLLOW_LINKS);
          return perms.contains(PosixFilePermission.GROUP_WRITE)
              || perms.contains(PosixFilePermission.OTHERS_WRITE);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).map(p -> p + " " + PosixFilePermissions.toString(permsOf(p))).toList();
    }
  }

  private static Set<PosixFilePermission> permsOf(Path p) {
    try {
      return Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
