package datomic.buildpack.compile;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import picocli.CommandLine;

/**
 * The buildpack's version. Shown ({@link #current}): {@code v12} for release 12's CLI, and for any
 * other build the release its {@code buildpack.toml} names (its copy in the jar) plus 12 hex
 * digits of checksums of the jar's central directory (its entries' names and CRC-32s), like
 * {@code v12+3f2a9c01b7de}: a commit after v12, or before v1 ({@code v0+...}). Which CLI is a
 * release's, bin/compile knows (it downloaded the release's jar, or built it from the very sources
 * the release record names) and says in {@code DATOMIC_BUILDPACK_RELEASE}. The jar is reproducible
 * (pom.xml), so the same sources give the same build; the build cache is cleared when
 * {@link #identity} changes.
 */
public final class BuildpackVersion implements CommandLine.IVersionProvider {
  private static final String TOML = "/datomic/buildpack/buildpack.toml";
  private static final int END_RECORD = 22;
  private static final int END_SIGNATURE = 0x06054b50;
  private static volatile String build;
  private static volatile Map<String, String> toml;

  /** The release, like {@code v12} ({@code v0} before the first release). */
  public static String release() {
    return "v" + buildpack().getOrDefault("version", "0");
  }

  /** The buildpack's address (its repository), from {@code buildpack.toml}. */
  public static String homepage() {
    return buildpack().getOrDefault("homepage", "");
  }

  /** Where to report a bug. */
  public static String issues() {
    return homepage() + "/issues";
  }

  /** The {@code [buildpack]} table of the jar's copy of buildpack.toml (simple strings only). */
  private static Map<String, String> buildpack() {
    if (toml == null) {
      Map<String, String> values = new HashMap<>();
      try {
        byte[] text = tomlBytes();
        boolean inTable = false;
        for (String line : new String(text, StandardCharsets.UTF_8).split("\n")) {
          String t = line.strip();
          if (t.startsWith("[")) {
            inTable = t.equals("[buildpack]");
          } else if (inTable) {
            entry(t, values);
          }
        }
      } catch (IOException e) {
        // no version to show; "v0" below
      }
      toml = values;
    }
    return toml;
  }

  /**
   * The jar's copy of buildpack.toml, read with a ZipFile on the jar (whose classes the JVM has
   * loaded already) rather than getResourceAsStream, which first looks through the JDK's modules
   * for it (some 5 ms of every start).
   */
  private static byte[] tomlBytes() throws IOException {
    Path jar = jar();
    if (jar != null) {
      try (ZipFile zip = new ZipFile(jar.toFile())) {
        ZipEntry entry = zip.getEntry(TOML.substring(1));
        if (entry != null) {
          try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
          }
        }
      }
    }
    try (InputStream in = BuildpackVersion.class.getResourceAsStream(TOML)) {
      return in == null ? new byte[0] : in.readAllBytes();
    }
  }

  /** The jar this class runs from, or null (from a folder of classes). */
  private static Path jar() {
    try {
      Path jar = Path.of(BuildpackVersion.class.getProtectionDomain().getCodeSource()
          .getLocation().toURI());
      return Files.isRegularFile(jar) ? jar : null;
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * {@code key = "value"} into {@code values} (other lines are left out). By hand, not with a
   * regex: the first regex of a JVM bootstraps lambdas, some 10 ms of every start.
   */
  private static void entry(String line, Map<String, String> values) {
    int eq = line.indexOf('=');
    if (eq <= 0) {
      return;
    }
    String key = line.substring(0, eq).strip();
    String value = line.substring(eq + 1).strip();
    int end = value.indexOf('"', 1);
    if (!value.startsWith("\"") || end < 0) {
      return;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-')) {
        return;
      }
    }
    values.put(key, value.substring(1, end));
  }

  /** The release and the jar's hash, like {@code v12+3f2a9c01b7de}. */
  public static String current() {
    return shown(System.getenv("DATOMIC_BUILDPACK_RELEASE"));
  }

  /** {@code v<released>} when bin/compile says this CLI is that release's, else the identity. */
  static String shown(String released) {
    if (released != null && released.matches("[0-9]{1,9}")) {
      return "v" + released;
    }
    return identity();
  }

  /**
   * The release and the jar's hash, like {@code v12+3f2a9c01b7de}, whatever the build: what the
   * build cache remembers (a change clears it).
   */
  public static String identity() {
    if (build == null) {
      String hash = jarHash();
      build = hash == null ? release() : release() + "+" + hash;
    }
    return build;
  }

  /**
   * 12 hex digits of the CRC-32 and CRC-32C of the jar's central directory, or null when this
   * does not run from a jar. The directory lists every entry's name, size and CRC-32, so it
   * identifies the jar's content; it is read in one piece from the jar's end (no entry objects,
   * no JCA provider: a few milliseconds on every start, where a SHA-256 over the entries took
   * some 40 before the JIT).
   */
  static String jarHash() {
    Path jar = jar();
    if (jar == null) {
      return null;
    }
    try (RandomAccessFile in = new RandomAccessFile(jar.toFile(), "r")) {
      byte[] directory = centralDirectory(in);
      if (directory == null) {
        return null;
      }
      CRC32 crc = new CRC32();
      crc.update(directory);
      CRC32C crcC = new CRC32C();
      crcC.update(directory);
      long both = crc.getValue() << 32 | crcC.getValue();
      return HexFormat.of().toHexDigits(both).substring(0, 12);
    } catch (IOException | SecurityException e) {
      return null;
    }
  }

  /**
   * The central directory of a zip, found from its end record (in the last 64 KB + 22 bytes).
   * A RandomAccessFile, as the JVM's own jar reading uses: no NIO channel classes to load.
   */
  private static byte[] centralDirectory(RandomAccessFile in) throws IOException {
    long size = in.length();
    byte[] tail = new byte[(int) Math.min(size, END_RECORD + 0xFFFF)];
    in.seek(size - tail.length);
    in.readFully(tail);
    ByteBuffer end = ByteBuffer.wrap(tail).order(ByteOrder.LITTLE_ENDIAN);
    for (int at = tail.length - END_RECORD; at >= 0; at--) {
      if (end.getInt(at) == END_SIGNATURE) {
        long length = end.getInt(at + 12) & 0xFFFFFFFFL;
        long offset = end.getInt(at + 16) & 0xFFFFFFFFL;
        if (offset + length > size) {
          return null; // zip64, or not a zip
        }
        byte[] directory = new byte[(int) length];
        in.seek(offset);
        in.readFully(directory);
        return directory;
      }
    }
    return null;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"datomic-buildpack " + current()};
  }
}
