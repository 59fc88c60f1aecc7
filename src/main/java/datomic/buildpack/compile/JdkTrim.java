package datomic.buildpack.compile;

import datomic.buildpack.files.Trees;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.Units;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Leaves out of a JDK this buildpack installed what no process of the slug uses: {@code jmods/}
 * (only jlink reads them; about 75 MB of a JDK 17), {@code lib/src.zip} (sources for IDEs),
 * {@code demo/} and {@code man/}. A JDK an earlier buildpack installed is never touched (that
 * buildpack, or one after this one, may need all of it); nor is anything reached through a link.
 */
public final class JdkTrim {
  /** Paths relative to the JDK's home; folders and files alike. */
  static final List<String> UNUSED = List.of("jmods", "lib/src.zip", "demo", "man");

  private JdkTrim() {}

  /**
   * Removes the unused parts of the JDK at {@code jdk} (this buildpack installed it); returns the
   * bytes saved. Best effort: a part that cannot be removed stays, with a detail line.
   */
  public static long trim(Path jdk, Log log) {
    if (!Files.isDirectory(jdk, LinkOption.NOFOLLOW_LINKS)) {
      // A link (a JDK kept elsewhere) is not in the slug: nothing of it is ours to remove.
      return 0;
    }
    Path home;
    try {
      home = jdk.toRealPath();
    } catch (IOException e) {
      return 0;
    }
    long saved = 0;
    List<String> removed = new ArrayList<>();
    for (String part : UNUSED) {
      Path target = jdk.resolve(part);
      try {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)
            || !target.getParent().toRealPath().startsWith(home)) {
          continue; // absent, or below a link that leads out of the JDK: not ours
        }
        long bytes = Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS) ? Trees.size(target)
            : Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) ? Files.size(target) : 0;
        Trees.delete(target); // a link is removed, never followed
        saved += bytes;
        removed.add(part.contains(".") ? part : part + "/");
      } catch (IOException e) {
        log.detail("Could not leave " + part + " out of the JDK: " + e.getMessage());
      }
    }
    if (!removed.isEmpty()) {
      log.detail("Left out of the JDK this buildpack installed: " + String.join(", ", removed)
          + " (" + Units.mb(saved) + "; no process in this slug uses them)");
    }
    return saved;
  }
}
