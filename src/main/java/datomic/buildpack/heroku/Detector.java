package datomic.buildpack.heroku;

import java.io.IOException;
import java.nio.file.Files;
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
  public static final String PROPERTIES_FILE = "transactor.properties";

  /** The outcome, with what was looked for and found, for a failed detect's explanation. */
  public record Result(boolean detected, String reason, List<String> rootEntries) {}

  private Detector() {}

  public static Result detect(Path appDir) {
    if (Files.isRegularFile(appDir.resolve(PROPERTIES_FILE))) {
      return new Result(true, "found " + PROPERTIES_FILE, List.of());
    }
    if (Procfile.read(appDir).has(Procfile.TRANSACTOR)) {
      return new Result(true, "found a transactor: process in the Procfile", List.of());
    }
    if (Procfile.read(appDir).has(Procfile.PEER_SERVER)) {
      return new Result(true, "found a peer-server: process in the Procfile", List.of());
    }
    return new Result(false, "no " + PROPERTIES_FILE
        + " and no transactor: or peer-server: process in a Procfile",
        listRoot(appDir));
  }

  private static List<String> listRoot(Path appDir) {
    if (!Files.isDirectory(appDir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(appDir)) {
      return entries.map(p -> p.getFileName() + (Files.isDirectory(p) ? "/" : ""))
          .sorted().limit(20).toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
