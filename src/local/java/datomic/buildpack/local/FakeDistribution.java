package datomic.buildpack.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Builds a zip laid out like {@code datomic-pro-<v>.zip} from the sources in
 * {@code test-fixtures/datomic-dist}, at run time, for tests, the dry run and the benchmark.
 * Generated jars are filled with seeded random bytes (like real jars, they do not compress).
 */
public final class FakeDistribution {
  private final Path sources;
  private String edition = "pro";
  private String version = "1.0.7622";
  private int extraJars = 2;
  private int jarBytes = 4096;
  private long seed = 42;
  private boolean zip64;
  private String pgjdbc = "42.5.1";
  private final List<String> omitted = new java.util.ArrayList<>();
  private final List<Object[]> extras = new java.util.ArrayList<>();

  private FakeDistribution(Path sources) {
    this.sources = sources;
  }

  /** Sources at {@code <repo>/test-fixtures/datomic-dist}. */
  public static FakeDistribution from(Path sources) {
    if (!Files.isRegularFile(sources.resolve("bin/transactor"))) {
      throw new IllegalArgumentException("not a fake distribution source folder: " + sources);
    }
    return new FakeDistribution(sources);
  }

  public FakeDistribution edition(String edition) {
    this.edition = edition;
    return this;
  }

  public FakeDistribution version(String version) {
    this.version = version;
    return this;
  }

  /** Adds {@code count} generated jars of {@code bytes} each under {@code lib/}. */
  public FakeDistribution jars(int count, int bytes) {
    this.extraJars = count;
    this.jarBytes = bytes;
    return this;
  }

  public FakeDistribution seed(long seed) {
    this.seed = seed;
    return this;
  }

  /**
   * The version in the name of the PostgreSQL driver jar under {@code lib/} (a 1.0.7622
   * distribution's peer library declares pgjdbc 42.5.1); {@code null} leaves it out.
   */
  public FakeDistribution pgjdbc(String version) {
    this.pgjdbc = version;
    return this;
  }

  /** Writes ZIP64 records (as for a zip over 4 GB or 65,535 entries) even though none is needed. */
  public FakeDistribution zip64() {
    this.zip64 = true;
    return this;
  }

  /** Leaves out the fixture files whose path (below the top folder) starts with {@code prefix}. */
  public FakeDistribution omit(String prefix) {
    omitted.add(prefix);
    return this;
  }

  /**
   * Appends an entry named exactly {@code name} (from the zip's root, top folder included, so
   * tests can also write hostile names such as {@code ../evil} or {@code /tmp/evil}).
   */
  public FakeDistribution extraEntry(String name, byte[] content) {
    return extraEntry(name, content, 0100644);
  }

  /**
   * Appends a file entry with this Unix mode ({@code 0100777}, say), or with no Unix mode at all
   * (as zips made on Windows) when {@code unixMode} is 0.
   */
  public FakeDistribution extraEntry(String name, byte[] content, int unixMode) {
    extras.add(new Object[] {name, content, null, 0L, unixMode});
    return this;
  }

  /** Appends a folder entry ({@code name} ends with {@code /}) with this Unix mode (0: none). */
  public FakeDistribution extraFolder(String name, int unixMode) {
    extras.add(new Object[] {name, null, null, -1L, unixMode});
    return this;
  }

  /** Appends a symlink entry {@code name} pointing to {@code target}. */
  public FakeDistribution symlink(String name, String target) {
    extras.add(new Object[] {name, null, target, 0L, 0120777});
    return this;
  }

  /** Appends an entry of {@code bytes} zeros (it compresses to almost nothing: a zip bomb). */
  public FakeDistribution zeros(String name, long bytes) {
    extras.add(new Object[] {name, null, null, bytes, 0100644});
    return this;
  }

  public String topFolder() {
    return "datomic-" + edition + "-" + version + "/";
  }

  /** Writes the zip and returns its path. */
  public Path writeTo(Path zip) {
    try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(Files.newOutputStream(zip))) {
      if (zip64) {
        out.setUseZip64(Zip64Mode.Always);
      }
      String top = topFolder();
      out.putArchiveEntry(stamped(dirEntry(top)));
      out.closeArchiveEntry();
      List<Path> files;
      try (Stream<Path> walk = Files.walk(sources)) {
        files = walk.sorted().toList();
      }
      for (Path file : files) {
        String rel = sources.relativize(file).toString().replace('\\', '/');
        if (rel.isEmpty() || omitted.stream().anyMatch(rel::startsWith)) {
          continue;
        }
        if (Files.isDirectory(file)) {
          out.putArchiveEntry(stamped(dirEntry(top + rel + "/")));
          out.closeArchiveEntry();
          continue;
        }
        ZipArchiveEntry entry = new ZipArchiveEntry(top + rel);
        entry.setUnixMode(rel.startsWith("bin/") && !rel.contains(".") ? 0100755 : 0100644);
        out.putArchiveEntry(stamped(entry));
        Files.copy(file, out);
        out.closeArchiveEntry();
      }
      if ("free".equals(edition)) {
        addText(out, top + "config/samples/free-transactor-template.properties",
            "protocol=free\nhost=localhost\nport=4334\n");
      }
      Random random = new Random(seed);
      addRandom(out, top + "datomic-transactor-" + edition + "-" + version + ".jar", jarBytes, random);
      addRandom(out, top + "peer-" + version + ".jar", jarBytes, random);
      for (int i = 0; i < extraJars; i++) {
        addRandom(out, top + "lib/dep-" + i + ".jar", jarBytes, random);
      }
      addRandom(out, top + "presto-server/lib/presto-main.jar", jarBytes, random);
      if (pgjdbc != null) {
        // After the others, so their seeded bytes stay what they were.
        addRandom(out, top + "lib/postgresql-" + pgjdbc + ".jar", jarBytes, random);
      }
      for (Object[] extra : extras) {
        ZipArchiveEntry entry = new ZipArchiveEntry((String) extra[0]);
        if ((Integer) extra[4] != 0) {
          entry.setUnixMode((Integer) extra[4]);
        }
        if (extra[2] != null) {
          out.putArchiveEntry(stamped(entry));
          out.write(((String) extra[2]).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } else if (extra[1] != null) {
          out.putArchiveEntry(stamped(entry));
          out.write((byte[]) extra[1]);
        } else if ((Long) extra[3] < 0) {
          out.putArchiveEntry(stamped(entry));
        } else {
          out.putArchiveEntry(stamped(entry));
          byte[] zeros = new byte[64 * 1024];
          for (long left = (Long) extra[3]; left > 0; left -= zeros.length) {
            out.write(zeros, 0, (int) Math.min(left, zeros.length));
          }
        }
        out.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return zip;
  }

  /**
   * Every entry carries one fixed time, as a real distribution carries its release's: the zip is
   * the same bytes for the same settings (in one time zone: a DOS time is local time), and
   * unpacked files are older than anything written later.
   */
  public static final FileTime RELEASED = FileTime.from(Instant.parse("2025-01-15T12:00:00Z"));

  private static ZipArchiveEntry stamped(ZipArchiveEntry entry) {
    // The plain DOS time only, as zip(1) and most tools write it: setLastModifiedTime would add
    // NTFS and extended-time fields to every entry, which real distributions do not carry.
    entry.setTime(RELEASED.toMillis());
    return entry;
  }

  private static ZipArchiveEntry dirEntry(String name) {
    ZipArchiveEntry entry = new ZipArchiveEntry(name);
    entry.setUnixMode(040755);
    return entry;
  }

  private static void addText(ZipArchiveOutputStream out, String name, String text)
      throws IOException {
    ZipArchiveEntry entry = new ZipArchiveEntry(name);
    entry.setUnixMode(0100644);
    out.putArchiveEntry(stamped(entry));
    out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    out.closeArchiveEntry();
  }

  private static void addRandom(ZipArchiveOutputStream out, String name, int bytes, Random random)
      throws IOException {
    ZipArchiveEntry entry = new ZipArchiveEntry(name);
    entry.setUnixMode(0100644);
    out.putArchiveEntry(stamped(entry));
    byte[] buffer = new byte[Math.min(bytes, 64 * 1024)];
    for (int left = bytes; left > 0; left -= buffer.length) {
      random.nextBytes(buffer);
      out.write(buffer, 0, Math.min(left, buffer.length));
    }
    out.closeArchiveEntry();
  }
}
