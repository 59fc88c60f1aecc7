package datomic.buildpack.slug;

import datomic.buildpack.output.Echo;
import datomic.buildpack.output.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How the buildpack touches the app's own files (BUILD_DIR at build time, the slug on a dyno): a
 * link committed to the app never carries a write outside it, nor a read from outside it.
 *
 * <ul>
 *   <li>Folders the buildpack writes into ({@code .datomic} and what is under it, {@code
 *       .profile.d}): a link on the way is refused. Following it would put the install wherever
 *       it points (a {@code .datomic} link to {@code /usr} would receive all of Datomic);
 *       replacing it would silently drop what the app committed there (its other
 *       {@code .profile.d} scripts, say), so the app's owner decides.
 *   <li>Files the buildpack owns inside those folders (the launcher, its jar, the build facts,
 *       {@code .profile.d/datomic.sh}): a link in their place is removed and the file written
 *       anew. The name is the buildpack's, so nothing the app meant is lost.
 *   <li>Files of the app the buildpack reads ({@code transactor.properties}, the Procfile): a link
 *       is followed only to a regular file inside the app; a link leading outside it, or to
 *       nothing, is refused. (A Procfile link to nothing would otherwise receive the Procfile the
 *       buildpack writes for an app without one.)
 * </ul>
 */
public final class AppFiles {
  private final Path appDir;

  public AppFiles(Path appDir) {
    this.appDir = appDir.toAbsolutePath().normalize();
  }

  /**
   * Checks that neither {@code dir} nor any folder between the app root and it is a link or a
   * file; does not create it.
   */
  public void checkFolder(Path dir) {
    Path current = appDir;
    for (Path part : relative(dir)) {
      current = current.resolve(part);
      if (Files.isSymbolicLink(current)) {
        throw new UserError(shown(current) + " in the app is a link (to " + target(current)
                + "); the buildpack writes into that folder and will not write through a link.",
            "A link committed to the app would carry the build's files to wherever it points.",
            "Remove the link from the app (git rm " + shown(current) + ") and push again;"
                + " the buildpack creates the folder itself.");
      }
      if (Files.exists(current, LinkOption.NOFOLLOW_LINKS)
          && !Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
        throw new UserError(shown(current) + " in the app is a file; the buildpack needs a"
                + " folder of that name.",
            "Remove it from the app (git rm " + shown(current) + ") and push again.");
      }
    }
  }

  /** {@link #checkFolder} then creates {@code dir} (and the folders above it) if missing. */
  public Path folder(Path dir) throws IOException {
    checkFolder(dir);
    Files.createDirectories(dir);
    return dir;
  }

  /**
   * A file the buildpack owns, ready to be written: its folders checked and created, and a link
   * in its place removed (so a write replaces the link and never goes through it).
   */
  public Path replaceable(Path file) throws IOException {
    folder(file.getParent());
    if (Files.isSymbolicLink(file)) {
      Files.delete(file);
    } else if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new UserError(shown(file) + " in the app is a folder; the buildpack writes a file"
              + " there.",
          "Remove it from the app (git rm -r " + shown(file) + ") and push again.");
    }
    return file;
  }

  /**
   * A file of the app the buildpack reads, as a path that leads to it without leaving the app;
   * empty when the app has no entry of that name at all.
   */
  public Optional<Path> readable(Path file) {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    Path real;
    Path root;
    try {
      root = appDir.toRealPath();
      real = file.toRealPath();
    } catch (NoSuchFileException e) {
      throw new UserError(shown(file) + " in the app is a link to nothing (" + target(file)
              + ").",
          "Commit the file itself instead of the link, or remove the link (git rm "
              + shown(file) + ").");
    } catch (IOException e) {
      throw new UserError("Could not read " + shown(file) + " in the app: "
          + Echo.value(String.valueOf(e.getMessage())) + ".",
          "Check the file and push again.").withCause(e);
    }
    if (!real.startsWith(root)) {
      throw new UserError(shown(file) + " in the app is a link to " + Echo.value(real.toString())
              + ", outside the app; the buildpack reads only files inside the app.",
          "Commit the file itself instead of the link: cp --remove-destination \""
              + Echo.value(real.toString()) + "\" " + shown(file) + ", then git add it.");
    }
    if (!Files.isRegularFile(real)) {
      throw new UserError(shown(file) + " in the app is not a regular file.",
          "Make it a regular file, or remove it from the app.");
    }
    return Optional.of(real);
  }

  /** Whether the app has an entry (a file, folder or link, even a dangling one) named so. */
  public static boolean present(Path file) {
    return Files.exists(file, LinkOption.NOFOLLOW_LINKS);
  }

  private Path relative(Path path) {
    Path abs = path.toAbsolutePath().normalize();
    if (!abs.startsWith(appDir) || abs.equals(appDir)) {
      throw new IllegalArgumentException(path + " is not inside " + appDir);
    }
    return appDir.relativize(abs);
  }

  private String shown(Path path) {
    return Echo.value(relative(path).toString());
  }

  private static String target(Path link) {
    try {
      return Echo.value(Files.readSymbolicLink(link).toString());
    } catch (IOException | UnsupportedOperationException e) {
      return "?";
    }
  }
}
