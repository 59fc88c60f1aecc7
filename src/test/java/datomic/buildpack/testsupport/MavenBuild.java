package datomic.buildpack.testsupport;

import datomic.buildpack.files.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The CLI built from source by bin/compile's Maven fallback, once per JVM: a copy of the
 * checkout as a fresh clone has it (no target/) compiles minimal-transactor with an empty cache,
 * Maven offline from the machine's repository. HerokuPlatformIT asserts what that build did;
 * ReleaseJarDownloadIT seeds its cache with the jar it left, so the suite pays for one Maven
 * build of these sources, not one per class. The first caller runs it, the others wait for it.
 * (ReleaseJarDownloadIT, 80 s, holds no {@link Locks#MAVEN_REPOSITORY}, which would keep every
 * other Maven build waiting as long: at most this build runs beside one of theirs, reading the
 * same ~/.m2 offline.)
 */
public final class MavenBuild {
  /** The checkout, the app and its cache, what bin/compile printed, and the jar it cached. */
  public record Result(Path buildpack, BuildFixture app, Run.Result compile, Path jar) {}

  private static Result shared;

  private MavenBuild() {}

  /** Builds with Maven offline (MAVEN_ARGS=-o, the machine's ~/.m2): no Maven Central. */
  public static Run offline(Run compile) {
    return compile.env("MAVEN_ARGS", "-o").env("DATOMIC_BUILDPACK_MAVEN_HOME",
        Path.of(System.getProperty("user.home"), ".m2").toString());
  }

  /** The build, run at the first call; the folders live until the JVM exits. */
  public static synchronized Result shared() {
    if (shared == null) {
      shared = build();
    }
    return shared;
  }

  private static Result build() {
    try {
      Path dir = Files.createTempDirectory("maven-build-");
      Path buildpack = Machine.buildpackCheckout(dir.resolve("buildpack"));
      if (Files.exists(buildpack.resolve("target"))) {
        throw new IllegalStateException("the checkout copy has a target/: " + buildpack);
      }
      BuildFixture app = BuildFixture.of("minimal-transactor", dir.resolve("app"))
          .withDistribution();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        app.close();
        Trees.deleteQuietly(dir);
      }));
      Run.Result compile = offline(Run.of(buildpack.resolve("bin/compile").toString(),
          app.build().toString(), app.cache().toString(), app.env().toString())).go();
      Path jar = null;
      Path jars = app.cache().resolve("datomic-buildpack-jar");
      if (Files.isDirectory(jars)) {
        try (Stream<Path> files = Files.list(jars)) {
          List<Path> found = files.filter(p -> p.getFileName().toString().startsWith("maven-"))
              .toList();
          jar = found.size() == 1 ? found.get(0) : null;
        }
      }
      return new Result(buildpack, app, compile, jar);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
