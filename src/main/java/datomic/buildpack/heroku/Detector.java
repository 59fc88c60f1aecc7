package datomic.buildpack.heroku;

import datomic.buildpack.output.Echo;
import datomic.buildpack.output.UserError;
import datomic.buildpack.slug.SlugLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The detection rule: an app is a transactor app when its root holds a {@code
 * transactor.properties} file, or a Procfile with a {@code transactor:} process; a Procfile with a
 * {@code peer-server:} process makes a peer-server-only (query-group) app. {@code bin/detect}
 * applies the same rule in bash when no JVM is available; a test keeps the two in step.
 */
public final class Detector {
  public static final String NAME = "Datomic";
  
  /** The outcome, with what was looked for and found, for a failed detect's explanation. */
  public record Result(boolean detected, String reason, List<String> rootEntries) {}

  private Detector() {}

  /**
   * A {@code transactor.properties} link counts as the file (compile and boot then refuse one
   * that leads outside the app, saying so); a Procfile link leading outside the app or to
   * nothing is not read.
   */
  public static Result detect(Path appDir) {
    Path properties = appDir.resolve(SlugLayout.PROPERTIES_FILE);
    if (Files.isRegularFile(properties, LinkOption.NOFOLLOW_LINKS)
        || Files.isSymbolicLink(properties)) {
      return new Result(true, "found " + SlugLayout.PROPERTIES_FILE, List.of());
    }
    try {
      Procfile found = Procfile.read(appDir);
      if (found.has(Procfile.TRANSACTOR)) {
        return new Result(true, "found a transactor: process in the Procfile", List.of());
      }
      if (found.has(Procfile.PEER_SERVER)) {
        return new Result(true, "found a peer-server: process in the Procfile", List.of());
      }
    } catch (UserError e) {
      // A Procfile that cannot be read (a link leaving the app, not UTF-8) has no process here;
      // compile explains it. The refusal keeps bin/detect's bash words (DetectWithoutJavaIT).
    }
    return new Result(false, "no " + SlugLayout.PROPERTIES_FILE
        + " and no transactor: or peer-server: process in a Procfile", listRoot(appDir));
  }

  private static List<String> listRoot(Path appDir) {
    if (!Files.isDirectory(appDir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(appDir)) {
      return entries.map(p -> Echo.value(p.getFileName().toString())
              + (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "/" : ""))
          .sorted().limit(20).toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
