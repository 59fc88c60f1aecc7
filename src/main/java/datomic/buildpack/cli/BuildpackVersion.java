package datomic.buildpack.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import picocli.CommandLine;

/**
 * The buildpack's version: the release from the jar manifest, plus 12 hex digits of a SHA-256
 * over the jar's entry names and CRC-32s. The jar is reproducible (pom.xml), so the same sources give the same build, and
 * any change to the code gives a new one: the build cache is cleared when it changes.
 */
public final class BuildpackVersion implements CommandLine.IVersionProvider {
  private static volatile String build;

  /** The release, like {@code 0.1.0} ("dev" when run from classes). */
  public static String release() {
    String v = BuildpackVersion.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** The release and the jar's hash, like {@code 0.1.0+3f2a9c01b7de}. */
  public static String current() {
    if (build == null) {
      build = release() + jarHash().map(h -> "+" + h).orElse("");
    }
    return build;
  }

  private static java.util.Optional<String> jarHash() {
    try {
      Path jar = Path.of(BuildpackVersion.class.getProtectionDomain().getCodeSource()
          .getLocation().toURI());
      if (!Files.isRegularFile(jar)) {
        return java.util.Optional.empty();
      }
      // The names and CRC-32s of the jar's entries identify its content, and the zip's central
      // directory holds them: no need to read (and hash) the whole 7 MB on every build.
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      try (ZipFile zip = new ZipFile(jar.toFile())) {
        for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
          sha.update(entry.getName().getBytes(java.nio.charset.StandardCharsets.UTF_8));
          sha.update(java.nio.ByteBuffer.allocate(Long.BYTES).putLong(entry.getCrc()).array());
        }
      }
      return java.util.Optional.of(HexFormat.of().formatHex(sha.digest()).substring(0, 12));
    } catch (IOException | URISyntaxException | NoSuchAlgorithmException | SecurityException e) {
      return java.util.Optional.empty();
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {"datomic-buildpack " + current()};
  }
}
