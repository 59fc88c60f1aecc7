package datomic.buildpack.build;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import picocli.CommandLine;

/**
 * The buildpack's version. Shown ({@link #current}): {@code v12} for release 12's CLI, and for any
 * other build the release its {@code buildpack.toml} names (its copy in the jar) plus 12 hex
 * digits of a SHA-256 over the jar's entry names and CRC-32s ({@code v12+3f2a9c01b7de}): a commit
 * after v12, or before v1 ({@code v0+...}). Which CLI is a release's, bin/compile knows (it
 * downloaded the release's jar, or built it from the very sources the release record names) and
 * says in {@code DATOMIC_BUILDPACK_RELEASE}. The jar is reproducible (pom.xml), so the same
 * sources give the same build; the build cache is cleared when {@link #identity} changes.
 */
public final class BuildpackVersion implements CommandLine.IVersionProvider {
  private static final String TOML = "/datomic/buildpack/buildpack.toml";
  private static final Pattern ENTRY = Pattern.compile("^\\s*([A-Za-z_-]+)\\s*=\\s*\"([^\"]*)\"");
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
      try (InputStream in = BuildpackVersion.class.getResourceAsStream(TOML)) {
        if (in != null) {
          boolean inTable = false;
          for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            String t = line.strip();
            if (t.startsWith("[")) {
              inTable = t.equals("[buildpack]");
            } else if (inTable) {
              Matcher m = ENTRY.matcher(t);
              if (m.find()) {
                values.put(m.group(1), m.group(2));
              }
            }
          }
        }
      } catch (IOException e) {
        // no version to show; "v0" below
      }
      toml = values;
    }
    return toml;
  }

  /** The version to show: {@code v12} for a release's CLI, else {@link #identity}. */
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
