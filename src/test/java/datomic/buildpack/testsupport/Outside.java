package datomic.buildpack.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A folder outside the build and cache folders, the target of links an app commits: a file
 * holding something precious, an empty folder, and a name that does not exist yet. A test takes
 * a {@link #snapshot()} before a build and compares it after: any write through a link shows.
 */
public final class Outside {
  private final Path root;

  private Outside(Path root) {
    this.root = root;
  }

  public static Outside at(Path root) {
    try {
      Files.createDirectories(root.resolve("folder"));
      Files.writeString(root.resolve("precious.txt"), "precious: must stay as it is\n");
      Files.writeString(root.resolve("secret.properties"), "sql-password=outside-secret\n");
      return new Outside(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path root() {
    return root;
  }

  /** An empty folder. */
  public Path folder() {
    return root.resolve("folder");
  }

  /** A file whose contents must not change. */
  public Path precious() {
    return root.resolve("precious.txt");
  }

  /** A file holding a secret that must never be read into a build or a boot. */
  public Path secret() {
    return root.resolve("secret.properties");
  }

  /** A name in {@link #folder()} that does not exist (a dangling link's target). */
  public Path missing(String name) {
    return folder().resolve(name);
  }

  /** Every entry under the root (links not followed) with its type and contents' digest. */
  public Map<String, String> snapshot() {
    Map<String, String> entries = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.toList()) {
        String rel = root.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          entries.put(rel, "link " + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          entries.put(rel, "folder");
        } else {
          entries.put(rel, "file " + HexFormat.of().formatHex(
              MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)))
              + " " + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return entries;
  }
}
