package datomic.buildpack.heroku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.files.Trees;
import datomic.buildpack.output.Units;
import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Machine;
import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slug's parts and sizes beside Heroku's limits at the end of compile, and the JDK trimmed
 * when this buildpack installed it, never when an earlier buildpack did or when it is a link.
 */
class SlugSizeIT {
  /** What JdkTrim leaves out; each is made with its own size so the saving can be checked. */
  static final List<String> UNUSED = List.of("jmods/java.base.jmod", "lib/src.zip",
      "demo/README", "man/man1/java.1");

  @TempDir Path tmp;

  @Test
  void compileListsTheSlugsPartsAgainstHerokusLimits() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("a"))
        .withDistribution()) {
      Run.Result r = app.compileOk();
      String out = r.stdout();
      assertTrue(out.contains("-----> Slug size"), out);
      long dist = Trees.size(app.build().resolve(".datomic/dist"));
      assertTrue(out.contains("Datomic (.datomic/dist)       " + Units.mb(dist)), out);
      assertTrue(out.contains("This buildpack (.datomic)     "), out);
      assertTrue(out.contains("Heroku warns from 300 MB and refuses slugs over 500 MB, compressed:"
          + " this slug is under both even uncompressed."), out);
      assertFalse(r.stderr().contains("Heroku refuses"), r.stderr());
    }
    // The same slug against smaller limits (the platform's 300/500 MB would need a 300 MB test zip).
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("b"))
        .withDistribution()) {
      Run.Result near = Run.of(Repo.bin("compile"), app.build().toString(),
          app.cache().toString(), app.env().toString())
          .env("DATOMIC_BUILDPACK_SLUG_WARN_BYTES", "1000000")
          .env("DATOMIC_BUILDPACK_SLUG_LIMIT_BYTES", "100000000").go();
      assertEquals(0, near.exitCode(), near.toString());
      assertTrue(near.stdout().contains("compressed, this slug may reach the warning"),
          near.stdout());
    }
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("c"))
        .withDistribution()) {
      Run.Result over = Run.of(Repo.bin("compile"), app.build().toString(),
          app.cache().toString(), app.env().toString())
          .env("DATOMIC_BUILDPACK_SLUG_WARN_BYTES", "1000000")
          .env("DATOMIC_BUILDPACK_SLUG_LIMIT_BYTES", "2000000").go();
      assertEquals(0, over.exitCode(), "a warning, not a failed build: " + over);
      assertTrue(over.stderr().contains(" !     Warning: The slug holds "), over.stderr());
      assertTrue(over.stderr().contains("Heroku refuses slugs over 2 MB compressed."),
          over.stderr());
    }
  }

  /** A test switch with a value it does not take is a clear error, not a default or a "bug". */
  @Test
  void aBadValueOfATestSwitchIsAClearError() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("d"))
        .withDistribution()) {
      Run.Result bad = Run.of(Repo.bin("compile"), app.build().toString(),
          app.cache().toString(), app.env().toString())
          .env("DATOMIC_BUILDPACK_SLUG_WARN_BYTES", "lots").go();
      assertEquals(1, bad.exitCode(), bad.toString());
      assertTrue(bad.stderr().contains(" !     Error: DATOMIC_BUILDPACK_SLUG_WARN_BYTES=lots is not"
          + " a number of bytes."), bad.stderr());
      assertTrue(bad.stderr().contains("see CONTRIBUTING.md"), bad.stderr());
      assertFalse(bad.all().contains("failed unexpectedly"), bad.all());
    }
  }

  /** A small JDK home: the machine's java behind a link, and the parts no process uses. */
  private Path fakeJdk(Path home) throws IOException {
    Files.createDirectories(home.resolve("bin"));
    Files.createSymbolicLink(home.resolve("bin/java"), Machine.jdkHome().resolve("bin/java"));
    Files.createDirectories(home.resolve("lib"));
    Files.write(home.resolve("lib/modules"), new byte[4096]);
    Files.writeString(home.resolve("release"), "JAVA_VERSION=\"17\"\n");
    for (int i = 0; i < UNUSED.size(); i++) {
      Path part = home.resolve(UNUSED.get(i));
      Files.createDirectories(part.getParent());
      Files.write(part, new byte[(i + 1) * 100_000]);
    }
    return home;
  }

  private Path jvmCommonTarball() {
    Path tarball = tmp.resolve("jvm.tgz");
    Run.Result tar = Run.of("tar", "czf", tarball.toString(), "-C",
        Repo.root().resolve("test-fixtures").toString(), "jvm-common").go();
    assertEquals(0, tar.exitCode(), tar.toString());
    return tarball;
  }

  private Path buildpack() throws IOException {
    Path buildpack = Machine.buildpackCheckout(tmp.resolve("buildpack"));
    Files.createDirectories(buildpack.resolve("target"));
    Files.copy(Repo.jar(),
        buildpack.resolve("target/datomic-buildpack.jar"));
    return buildpack;
  }

  @Test
  void aJdkThisBuildpackInstalledIsTrimmedOneFromAnEarlierBuildpackIsNot() throws IOException {
    Path jdk = fakeJdk(tmp.resolve("jdk-17"));
    Path buildpack = buildpack();
    Path tarball = jvmCommonTarball();
    Path noJava = Machine.pathWithoutJava(tmp.resolve("bin"));

    // This buildpack installs the JDK (a copy, as Heroku's JVM buildpack makes): trimmed.
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("ours"))
        .withDistribution()) {
      app.setVar("JVM_COMMON_BUILDPACK", tarball.toUri().toString());
      Run.Result r = Run.of(buildpack.resolve("bin/compile").toString(), app.build().toString(),
          app.cache().toString(), app.env().toString()).env("PATH", noJava.toString())
          .unset("JAVA_HOME").env("STACK", "heroku-24").env("TEST_JDK_HOME", jdk.toString())
          .env("TEST_JDK_COPY", "1").go();
      assertEquals(0, r.exitCode(), r.toString());
      Path slugJdk = app.build().resolve(".jdk");
      assertFalse(Files.isSymbolicLink(slugJdk), "a copy in the slug");
      for (String part : List.of("jmods", "lib/src.zip", "demo", "man")) {
        assertFalse(Files.exists(slugJdk.resolve(part)), part + " left out of the slug");
      }
      assertTrue(Files.isRegularFile(slugJdk.resolve("lib/modules")), "the rest is kept");
      assertEquals(0, Run.of(slugJdk.resolve("bin/java").toString(), "-version").go().exitCode());
      assertTrue(r.stdout().contains("Left out of the JDK this buildpack installed: jmods/,"
          + " lib/src.zip, demo/, man/ (" + Units.mb(1_000_000) + ";"), r.stdout());
      assertTrue(r.stdout().contains("(installed by this buildpack; trimmed)"), r.stdout());
      for (String part : UNUSED) {
        assertTrue(Files.exists(jdk.resolve(part)), "the JDK it was copied from is untouched");
      }
    }

    // An earlier buildpack installed .jdk: kept whole.
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("earlier"))
        .withDistribution()) {
      Run.Result copy = Run.of("cp", "-a", jdk.toString(), app.build().resolve(".jdk").toString())
          .go();
      assertEquals(0, copy.exitCode(), copy.toString());
      Run.Result r = Run.of(buildpack.resolve("bin/compile").toString(), app.build().toString(),
          app.cache().toString(), app.env().toString()).env("STACK", "heroku-24").go();
      assertEquals(0, r.exitCode(), r.toString());
      assertTrue(r.stdout().contains("installed by an earlier buildpack"), r.stdout());
      for (String part : UNUSED) {
        assertTrue(Files.exists(app.build().resolve(".jdk").resolve(part)),
            part + " of an earlier buildpack's JDK is kept");
      }
      assertFalse(r.stdout().contains("Left out of the JDK"), r.stdout());
    }

    // This buildpack's install is a link to a JDK elsewhere: nothing is followed or removed.
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("link"))
        .withDistribution()) {
      app.setVar("JVM_COMMON_BUILDPACK", tarball.toUri().toString());
      Run.Result r = Run.of(buildpack.resolve("bin/compile").toString(), app.build().toString(),
          app.cache().toString(), app.env().toString()).env("PATH", noJava.toString())
          .unset("JAVA_HOME").env("STACK", "heroku-24").env("TEST_JDK_HOME", jdk.toString()).go();
      assertEquals(0, r.exitCode(), r.toString());
      assertTrue(Files.isSymbolicLink(app.build().resolve(".jdk")));
      for (String part : UNUSED) {
        assertTrue(Files.exists(jdk.resolve(part)), part + " behind the link is untouched");
      }
    }
  }
}
