package datomic.buildpack.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
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

  public String topFolder() {
    return "datomic-" + edition + "-" + version + "/";
  }

  /** Writes the zip and returns its path. */
  public Path writeTo(Path zip) {
    try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(Files.newOutputStream(zip))) {
      String top = topFolder();
      out.putArchiveEntry(dirEntry(top));
      out.closeArchiveEntry();
      List<Path> files;
      try (Stream<Path> walk = Files.walk(sources)) {
        files = walk.sorted().toList();
      }
      for (Path file : files) {
        String rel = sources.relativize(file).toString().replace('\\', '/');
        if (rel.isEmpty()) {
          continue;
        }
        if (Files.isDirectory(file)) {
          out.putArchiveEntry(dirEntry(top + rel + "/"));
          out.closeArchiveEntry();
          continue;
        }
        ZipArchiveEntry entry = new ZipArchiveEntry(top + rel);
        entry.setUnixMode(rel.startsWith("bin/") && !rel.contains(".") ? 0100755 : 0100644);
        out.putArchiveEntry(entry);
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
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return zip;
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
    out.putArchiveEntry(entry);
    out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    out.closeArchiveEntry();
  }

  private static void addRandom(ZipArchiveOutputStream out, String name, int bytes, Random random)
      throws IOException {
    ZipArchiveEntry entry = new ZipArchiveEntry(name);
    entry.setUnixMode(0100644);
    out.putArchiveEntry(entry);
    byte[] buffer = new byte[Math.min(bytes, 64 * 1024)];
    for (int left = bytes; left > 0; left -= buffer.length) {
      random.nextBytes(buffer);
      out.write(buffer, 0, Math.min(left, buffer.length));
    }
    out.closeArchiveEntry();
  }
}
