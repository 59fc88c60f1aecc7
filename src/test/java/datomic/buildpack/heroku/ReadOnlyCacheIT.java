package datomic.buildpack.heroku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.compile.CacheMarker;
import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Locks;
import datomic.buildpack.testsupport.Machine;
import datomic.buildpack.testsupport.ReadOnly;
import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A CACHE_DIR the build cannot write (read-only, really: a read-only mount as root) never fails
 * the build, through the real bin/compile: every cache write is best effort, with a note, and a
 * cache that had to be cleared but could not be is not used.
 */
class ReadOnlyCacheIT {
  @TempDir Path tmp;

  private static Run compile(Path buildpack, Path build, Path cache, Path env) {
    return Run.of(buildpack.resolve("bin/compile").toString(), build.toString(), cache.toString(),
        env.toString());
  }

  private static Run.Result compileOk(Path build, Path cache, Path env) {
    Run.Result r = compile(Repo.root(), build, cache, env).go();
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(Files.isExecutable(build.resolve(".datomic/dist/bin/transactor")), r.toString());
    assertFalse(r.all().contains("bug"), r.toString());
    assertFalse(r.all().contains("Exception"), r.toString());
    return r;
  }

  private Path secondBuild(String name) {
    Path build = tmp.resolve(name + "/build");
    BuildFixture.copyTree(Repo.app("minimal-transactor"), build);
    return build;
  }

  /** Every path below {@code root} with its size and time: what a build must leave as it was. */
  private static List<String> snapshot(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.map(p -> {
        try {
          return root.relativize(p) + " " + (Files.isRegularFile(p) ? Files.size(p) : -1) + " "
              + Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void anEmptyReadOnlyCacheIsNotedAndTheBuildWorks() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty-cache"));
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("a"))
        .withDistribution();
        ReadOnly cache = ReadOnly.of(empty, tmp.resolve("ro-cache"))) {
      Run.Result r = compileOk(app.build(), cache.path(), app.env());
      assertTrue(r.stdout().contains("Could not write the build cache's marker"), r.stdout());
      assertTrue(r.stdout().contains("Not using the build cache for Datomic"), r.stdout());
      assertEquals(List.of(""), snapshot(empty).stream().map(s -> s.split(" ")[0]).toList(),
          "nothing written into the cache");
    }
  }

  /** A warm cache, mounted read-only: the build works and leaves it exactly as it was. */
  @Test
  void aWarmReadOnlyCacheIsLeftAsItWas() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("a"))
        .withDistribution()) {
      compileOk(app.build(), app.cache(), app.env());
      List<String> before = snapshot(app.cache());
      try (ReadOnly cache = ReadOnly.of(app.cache(), tmp.resolve("ro-cache"))) {
        compileOk(secondBuild("b"), cache.path(), app.env());
      }
      assertEquals(before, snapshot(app.cache()));
    }
  }

  /** The stack changed, so the cache must be cleared; it cannot be, so it is not used. */
  @Test
  void aReadOnlyCacheThatShouldBeClearedIsNotUsed() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("a"))
        .withDistribution()) {
      compileOk(app.build(), app.cache(), app.env());
      int downloads = app.downloads();
      Path marker = app.cache().resolve(CacheMarker.MARKER);
      Files.writeString(marker, Files.readString(marker)
          .replaceAll("\"buildpackVersion\":\"[^\"]*\"", "\"buildpackVersion\":\"0.0.1\""));
      try (ReadOnly cache = ReadOnly.of(app.cache(), tmp.resolve("ro-cache"))) {
        Run.Result r = compileOk(secondBuild("b"), cache.path(), app.env());
        assertTrue(r.stdout().contains("-----> Clearing the build cache"), r.stdout());
        assertTrue(r.stdout().contains("Could not clear it ("), r.stdout());
        assertTrue(r.stdout().contains("building without the build cache"), r.stdout());
        assertFalse(r.stdout().contains("Using cached"), "the stale cache was used: " + r);
        assertTrue(app.downloads() > downloads, "downloaded instead");
      }
    }
  }

  /** CACHE_DIR does not exist, and its folder is read-only: it cannot even be created. */
  @Test
  void aCacheDirThatCannotBeCreatedIsNotedAndTheBuildWorks() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("a"))
        .withDistribution();
        ReadOnly parent = ReadOnly.of(empty, tmp.resolve("ro"))) {
      Run.Result r = compileOk(app.build(), parent.path().resolve("cache"), app.env());
      assertTrue(r.stdout().contains("Could not write the build cache's marker"), r.stdout());
    }
  }

  /**
   * Where the shell writes to the cache too: a fresh clone of the buildpack (no prebuilt CLI,
   * built with the Maven wrapper) on a build image without a JVM (bootstrapped with the JVM
   * buildpack). With a read-only cache both work in a temporary folder, removed afterwards.
   */
  @Test
  @ResourceLock(Locks.MAVEN_REPOSITORY)
  void aBareCloneOnABareImageBuildsWithAReadOnlyCache() throws IOException {
    Path buildpack = Machine.buildpackCheckout(tmp.resolve("buildpack"));
    assertFalse(Files.exists(buildpack.resolve("target")));
    Path tarball = tmp.resolve("jvm.tgz");
    Run.Result tar = Run.of("tar", "czf", tarball.toString(), "-C",
        Repo.root().resolve("test-fixtures").toString(), "jvm-common").go();
    assertEquals(0, tar.exitCode(), tar.toString());
    Path noJava = Machine.pathWithoutJava(tmp.resolve("bin"));
    Path scratch = Files.createDirectories(tmp.resolve("tmpdir"));
    Path m2 = Path.of(System.getProperty("user.home"), ".m2");
    Path empty = Files.createDirectories(tmp.resolve("empty-cache"));
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("a"))
        .withDistribution();
        ReadOnly cache = ReadOnly.of(empty, tmp.resolve("ro-cache"))) {
      app.setVar("JVM_COMMON_BUILDPACK", tarball.toUri().toString());
      Run.Result r = compile(buildpack, app.build(), cache.path(), app.env())
          .env("PATH", noJava.toString()).unset("JAVA_HOME").env("STACK", "heroku-24")
          .env("TEST_JDK_HOME", Machine.jdkHome().toString()).env("TMPDIR", scratch.toString())
          .env("MAVEN_ARGS", "-o").env("DATOMIC_BUILDPACK_MAVEN_HOME", m2.toString()).go();
      assertEquals(0, r.exitCode(), r.toString());
      assertTrue(r.stdout().contains("Installing a JDK with Heroku's JVM buildpack"), r.stdout());
      assertTrue(r.all().contains("Building the buildpack CLI"), r.toString());
      assertTrue(r.all().contains("Could not keep the buildpack CLI in CACHE_DIR"), r.toString());
      assertTrue(Files.isExecutable(app.build().resolve(".datomic/dist/bin/transactor")));
      assertTrue(Files.isRegularFile(app.build().resolve(".datomic/buildpack.jar")));
      try (Stream<Path> left = Files.list(scratch)) {
        assertEquals(List.of(), left.toList(), "temporary folders left behind");
      }
    }
  }
}
