package datomic.buildpack.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Paths in this repository's checkout, for tests that drive the real shims. The shims and the
 * packaged jar are the integration tier's ({@code *IT} classes, run by Failsafe after
 * {@code package}): asked for them in the unit tier ({@code *Test}, Surefire, before
 * {@code package}, where the jar is missing or stale), this class refuses.
 */
public final class Repo {
  /** Set by the pom's Surefire and Failsafe configurations: {@code unit} or {@code integration}. */
  static final String TIER = "datomic.buildpack.tier";

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
    requireIntegrationTier("the bin/ shims (bin/" + name + ")");
    return root().resolve("bin").resolve(name).toString();
  }

  /** The CLI jar {@code package} built: {@code target/datomic-buildpack.jar}. */
  public static Path jar() {
    requireIntegrationTier("the packaged jar");
    return root().resolve("target/datomic-buildpack.jar");
  }

  /** Fails a unit-tier test that asks for what only the integration tier has. */
  static void requireIntegrationTier(String what) {
    if ("unit".equals(System.getProperty(TIER))) {
      throw new IllegalStateException("A unit-tier test (*Test, run before package) asked for "
          + what + ": name the class *IT to run it in the integration tier, after package.");
    }
  }

  public static Path app(String name) {
    return root().resolve("test-fixtures/apps").resolve(name);
  }

  public static Path distSources() {
    return root().resolve("test-fixtures/datomic-dist");
  }
}
