package datomic.buildpack.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths in this repository's checkout, for tests that drive the real shims. */
public final class Repo {
  private Repo() {}

  public static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("bin/compile"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("run the tests from the buildpack checkout");
    }
    return dir;
  }

  public static String bin(String name) {
    return root().resolve("bin").resolve(name).toString();
  }

  public static Path app(String name) {
    return root().resolve("test-fixtures/apps").resolve(name);
  }

  public static Path distSources() {
    return root().resolve("test-fixtures/datomic-dist");
  }
}
