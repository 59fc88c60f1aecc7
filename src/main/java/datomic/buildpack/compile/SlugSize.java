package datomic.buildpack.compile;

import datomic.buildpack.output.Log;
import datomic.buildpack.output.Units;
import datomic.buildpack.slug.SlugLayout;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The slug's main parts and their sizes, printed at the end of a build beside Heroku's limits: a
 * slug over 500 MB compressed is refused, one over 300 MB gets a warning. The sizes are of the
 * files as they are (before compression); Heroku's limits are on the compressed slug, which is
 * smaller by what compresses (a trimmed JDK 17 to about a third, jars and jmods hardly: see
 * bench/README.md), so a total under 300 MB is certainly fine and one over 500 MB may well be
 * refused.
 */
public final class SlugSize {
  /** Heroku's limits on the compressed slug, in bytes (decimal megabytes, as Heroku states them). */
  public static final long WARN_BYTES = 300_000_000L;
  public static final long LIMIT_BYTES = 500_000_000L;

  /** Sizes of the parts, in bytes, in the order they are printed. */
  public record Parts(long jdk, long datomic, long buildpack, long app) {
    public long total() {
      return jdk + datomic + buildpack + app;
    }
  }

  private SlugSize() {}

  /** Measures the slug in {@code slug.appDir()}: regular files only, links not followed. */
  public static Parts measure(SlugLayout slug) throws IOException {
    Path jdk = slug.jdkDir();
    Path dist = slug.distDir();
    Path datomic = slug.datomicDir();
    long[] sizes = new long[4];
    Files.walkFileTree(slug.appDir(), new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile()) {
          int part = file.startsWith(jdk) ? 0 : file.startsWith(dist) ? 1
              : file.startsWith(datomic) || file.equals(slug.profileScript()) ? 2 : 3;
          sizes[part] += attrs.size();
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        return FileVisitResult.CONTINUE; // a file that vanished or cannot be read: not counted
      }
    });
    return new Parts(sizes[0], sizes[1], sizes[2], sizes[3]);
  }

  /**
   * Prints the parts, the total and where it stands against Heroku's limits ({@code warnBytes}
   * and {@code limitBytes}: the platform's, except in tests); warns when the slug may be refused.
   * {@code jdkNote} says whose JDK it is.
   */
  public static void print(Parts parts, String jdkNote, long warnBytes, long limitBytes,
      Log log) {
    log.step("Slug size (files as they are; Heroku's limits apply to the compressed slug)");
    Map<String, String> rows = new LinkedHashMap<>();
    rows.put("JDK (.jdk)", Units.mb(parts.jdk()) + (jdkNote.isEmpty() ? "" : "  " + jdkNote));
    rows.put("Datomic (.datomic/dist)", Units.mb(parts.datomic()));
    rows.put("This buildpack (.datomic)", Units.mb(parts.buildpack()));
    rows.put("The app and other buildpacks", Units.mb(parts.app()));
    rows.put("Total", Units.mb(parts.total()));
    rows.forEach((name, size) -> log.detail(Units.padRight(name, 30) + size));
    long total = parts.total();
    String limits = "Heroku warns from " + wholeMb(warnBytes) + " and refuses slugs over "
        + wholeMb(limitBytes) + ", compressed";
    if (total <= warnBytes) {
      log.detail(limits + ": this slug is under both even uncompressed.");
    } else if (total <= limitBytes) {
      log.detail(limits + ": compressed, this slug may reach the warning (jars hardly compress).");
    } else {
      log.warning("The slug holds " + Units.mb(total) + " of files; Heroku refuses slugs over "
              + wholeMb(limitBytes) + " compressed.",
          "Jars hardly compress, so the push may be refused. The parts are listed above.",
          "Leave the app's own large files out with a .slugignore, and check what other"
              + " buildpacks add; Datomic's presto-server/ and samples/ are already left out.");
    }
  }

  private static String wholeMb(long bytes) {
    return bytes / 1_000_000 + " MB";
  }
}
