package datomic.buildpack.heroku;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Dyno;
import datomic.buildpack.testsupport.DynoEnv;
import datomic.buildpack.testsupport.Locks;
import datomic.buildpack.testsupport.Machine;
import datomic.buildpack.testsupport.MavenBuild;
import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/** Where the buildpack really runs: a bare build image, a git checkout, a Procfile runner. */
class HerokuPlatformIT {
  @TempDir Path tmp;

  private Run compile(Path buildpack, BuildFixture app) {
    return Run.of(buildpack.resolve("bin/compile").toString(), app.build().toString(),
        app.cache().toString(), app.env().toString());
  }

  @Test
  void bootstrapsAJdkWithHerokusJvmBuildpackOnABareBuildImage() throws IOException {
    Path buildpack = Machine.buildpackCheckout(tmp.resolve("buildpack"));
    Files.createDirectories(buildpack.resolve("target"));
    Files.copy(Repo.jar(),
        buildpack.resolve("target/datomic-buildpack.jar"));
    Path tarball = tmp.resolve("jvm.tgz");
    Run.Result tar = Run.of("tar", "czf", tarball.toString(), "-C",
        Repo.root().resolve("test-fixtures").toString(), "jvm-common").go();
    assertEquals(0, tar.exitCode(), tar.toString());
    Path noJava = Machine.pathWithoutJava(tmp.resolve("bin"));

    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("app"))
        .withDistribution()) {
      Files.writeString(app.build().resolve("system.properties"), "java.runtime.version=21\n");
      app.setVar("JVM_COMMON_BUILDPACK", tarball.toUri().toString());
      Run.Result r = compile(buildpack, app).env("PATH", noJava.toString()).unset("JAVA_HOME")
          .env("STACK", "heroku-24").env("TEST_JDK_HOME", Machine.jdkHome().toString()).go();
      assertEquals(0, r.exitCode(), r.toString());
      assertTrue(r.stdout().contains("Installing a JDK with Heroku's JVM buildpack"), r.stdout());
      assertTrue(Files.isExecutable(app.build().resolve(".jdk/bin/java")));
      assertEquals("21", Files.readString(app.build().resolve(".jdk-requested-version")).strip(),
          "system.properties reached the JVM buildpack");
      assertTrue(Files.readString(buildpack.resolve("export")).contains("JAVA_HOME="),
          "later buildpacks get JAVA_HOME through the export file");

      try (Dyno dyno = Dyno.start(app.build(), "transactor",
          Map.of("PATH", noJava.toString(), "DYNO", "transactor.1"), tmp.resolve("dyno"))) {
        assertTrue(dyno.awaitStarted(60), "the slug's own JDK runs the launcher\n" + dyno.output());
      }
    }
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("app0"))) {
      Files.writeString(app.build().resolve("system.properties"), "java.runtime.version=999\n");
      app.setVar("JVM_COMMON_BUILDPACK", tarball.toUri().toString());
      Run.Result r = compile(buildpack, app).env("PATH", noJava.toString()).unset("JAVA_HOME")
          .env("STACK", "heroku-24").go();
      assertEquals(1, r.exitCode(), r.toString());
      assertTrue(r.stderr().contains("No OpenJDK 999 is available."), r.stderr());
      assertTrue(r.stderr().contains("Error: Heroku's JVM buildpack could not install a JDK."),
          "the shim's own messages survive the JVM buildpack's helpers: " + r.stderr());
    }
  }

  @Test
  void withoutSystemPropertiesTheBootstrapAsksForTheBuildpacksJavaAndLeavesNoTrace()
      throws IOException {
    Path buildpack = Machine.buildpackCheckout(tmp.resolve("buildpack"));
    Files.createDirectories(buildpack.resolve("target"));
    Files.copy(Repo.jar(),
        buildpack.resolve("target/datomic-buildpack.jar"));
    Path tarball = tmp.resolve("jvm.tgz");
    assertEquals(0, Run.of("tar", "czf", tarball.toString(), "-C",
        Repo.root().resolve("test-fixtures").toString(), "jvm-common").go().exitCode());
    Path noJava = Machine.pathWithoutJava(tmp.resolve("bin"));
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("a"))
        .withDistribution()) {
      app.setVar("JVM_COMMON_BUILDPACK", tarball.toUri().toString());
      Run.Result r = compile(buildpack, app).env("PATH", noJava.toString()).unset("JAVA_HOME")
          .env("STACK", "heroku-22").env("TEST_JDK_HOME", Machine.jdkHome().toString()).go();
      assertEquals(0, r.exitCode(), r.toString());
      assertEquals("17", Files.readString(app.build().resolve(".jdk-requested-version")).strip(),
          "not the JVM buildpack's own default for the stack (1.8 on heroku-22)");
      assertFalse(Files.exists(app.build().resolve("system.properties")),
          "the app's files are as they were");
    }
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("b"))
        .withDistribution()) {
      String own = "# the app's own\nsome.setting=1\n";
      Files.writeString(app.build().resolve("system.properties"), own);
      app.setVar("JVM_COMMON_BUILDPACK", tarball.toUri().toString());
      Run.Result r = compile(buildpack, app).env("PATH", noJava.toString()).unset("JAVA_HOME")
          .env("STACK", "heroku-24").env("TEST_JDK_HOME", Machine.jdkHome().toString()).go();
      assertEquals(0, r.exitCode(), r.toString());
      assertEquals("17", Files.readString(app.build().resolve(".jdk-requested-version")).strip());
      assertEquals(own, Files.readString(app.build().resolve("system.properties")));
    }
  }

  @Test
  void failedJvmBuildpackDownloadSaysWhatToDo() throws IOException {
    Path buildpack = Machine.buildpackCheckout(tmp.resolve("buildpack"));
    Path noJava = Machine.pathWithoutJava(tmp.resolve("bin"));
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("app"))) {
      app.setVar("JVM_COMMON_BUILDPACK", tmp.resolve("missing.tgz").toUri().toString());
      Run.Result r = compile(buildpack, app).env("PATH", noJava.toString()).unset("JAVA_HOME")
          .env("STACK", "heroku-24").go();
      assertEquals(1, r.exitCode(), r.toString());
      assertTrue(r.stderr().contains("Error: Could not download Heroku's JVM buildpack."),
          r.stderr());
      assertTrue(r.stderr().contains("heroku buildpacks:add --index 1 heroku/jvm"), r.stderr());
      try (Stream<Path> left = Files.list(app.cache())) {
        // build-data/ holds what bin/report says about this failed build
        assertEquals(0, left.filter(p -> !p.getFileName().toString().equals("build-data"))
            .count(), "no half-written cache entry");
      }
    }
  }

  /**
   * The suite's one Maven build of these sources (testsupport/MavenBuild: ReleaseJarDownloadIT
   * reuses its jar): offline, as the test may not reach Maven Central; the machine's Maven
   * repository has it all.
   */
  @Test
  @ResourceLock(Locks.MAVEN_REPOSITORY)
  void bareCloneBuildsTheCliOnceWithTheMavenWrapperAndCachesIt() throws IOException {
    MavenBuild.Result built = MavenBuild.shared();
    Path buildpack = built.buildpack();
    Run.Result first = built.compile();
    assertEquals(0, first.exitCode(), first.toString());
    assertTrue(first.stdout().contains("Building the buildpack CLI")
        || first.stderr().contains("Building the buildpack CLI"), first.toString());
    assertFalse(Files.exists(buildpack.resolve("target")), "built in the cache, not in place");
    Path cache = tmp.resolve("cache");
    BuildFixture.copyTree(built.app().cache(), cache);
    try (Stream<Path> jars = Files.list(cache.resolve("datomic-buildpack-jar"))) {
      assertEquals(1, jars.filter(p -> p.toString().endsWith(".jar")).count());
    }
    // Reproducible: the same sources built elsewhere give the very jar `package` made here.
    assertArrayEquals(Files.readAllBytes(Repo.jar()), Files.readAllBytes(built.jar()),
        "the Maven fallback's jar differs from target/datomic-buildpack.jar");
    Path secondBuild = tmp.resolve("b/build");
    BuildFixture.copyTree(Repo.app("minimal-transactor"), secondBuild);
    Run.Result second = Run.of(buildpack.resolve("bin/compile").toString(),
        secondBuild.toString(), cache.toString(), built.app().env().toString()).go();
    assertEquals(0, second.exitCode(), second.toString());
    assertTrue(second.all().contains("Using the buildpack CLI built earlier"), second.toString());
    assertFalse(second.all().contains("Building the buildpack CLI"), second.toString());
  }

  @Test
  void changedStackClearsTheCacheAndSaysWhy() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("a"))
        .withDistribution()) {
      // As on Heroku after heroku/jvm ran first: a JDK in .jdk.
      Files.createSymbolicLink(app.build().resolve(".jdk"), Machine.jdkHome());
      Run.Result first = compile(Repo.root(), app).env("STACK", "heroku-22").go();
      assertEquals(0, first.exitCode(), first.toString());
      assertTrue(first.stdout().contains("Using the JDK in .jdk"), first.stdout());
      assertFalse(first.stdout().contains("Clearing the build cache"));

      Path again = tmp.resolve("b/build");
      BuildFixture.copyTree(Repo.app("minimal-transactor"), again);
      Files.createSymbolicLink(again.resolve(".jdk"), Machine.jdkHome());
      Run.Result second = Run.of(Repo.bin("compile"), again.toString(), app.cache().toString(),
          app.env().toString()).env("STACK", "heroku-24").go();
      assertEquals(0, second.exitCode(), second.toString());
      assertTrue(second.stdout().contains("-----> Clearing the build cache"), second.stdout());
      assertTrue(second.stdout().contains("the stack changed from heroku-22 to heroku-24"),
          second.stdout());
    }
  }

  @Test
  void newBuildpackVersionClearsTheCacheAndSaysWhy() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("a"))
        .withDistribution()) {
      app.compileOk();
      int downloads = app.downloads();
      Path marker = app.cache().resolve("datomic-buildpack.json");
      Files.writeString(marker, Files.readString(marker)
          .replaceAll("\"buildpackVersion\":\"[^\"]*\"", "\"buildpackVersion\":\"0.0.1\""));
      Path again = tmp.resolve("b/build");
      BuildFixture.copyTree(Repo.app("minimal-transactor"), again);
      Run.Result second = Run.of(Repo.bin("compile"), again.toString(), app.cache().toString(),
          app.env().toString()).go();
      assertEquals(0, second.exitCode(), second.toString());
      // To this buildpack's identity: its release and the CLI's hash, whatever the release is.
      assertTrue(Pattern.compile("the buildpack changed from 0\\.0\\.1 to v\\d+\\+[0-9a-f]{12}\\.")
          .matcher(second.stdout()).find(), second.stdout());
      assertTrue(Files.isRegularFile(app.cache().resolve("datomic/index.json")),
          "the checksums recorded on first download survive the clearing");
      assertTrue(app.downloads() > downloads, "the cleared cache was filled again");
    }
  }

  @Test
  void buildTimeJvmsIgnoreTheUsersJavaOptions() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp).withDistribution()) {
      // A heap this small would stop any JVM that honoured it.
      Run.Result r = Run.of(Repo.bin("compile"), app.build().toString(), app.cache().toString(),
          app.env().toString()).env("JAVA_TOOL_OPTIONS", "-Xmx2m").env("JAVA_OPTS", "-Xmx2m")
          .env("_JAVA_OPTIONS", "-Xmx2m").go();
      assertEquals(0, r.exitCode(), r.toString());
      assertFalse(r.stderr().contains("Picked up"), r.stderr());
    }
  }

  @Test
  void profileScriptPutsTheToolsOnPathRelativeToHome() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp).withDistribution()) {
      app.compileOk();
      Run.Result r = Run.of("bash", "-c", "source .profile.d/datomic.sh && command -v"
          + " datomic-buildpack && command -v transactor"
          + " && datomic-buildpack peer-uri my-db")
          .in(app.build()).env("HOME", app.build().toString())
          .env("DATABASE_URL", "postgres://u:p4ss@db.example.com/d").go();
      assertEquals(0, r.exitCode(), r.toString());
      assertEquals(String.join("\n",
          app.build().resolve(".datomic/bin/datomic-buildpack").toString(),
          app.build().resolve(".datomic/dist/bin/transactor").toString(),
          "datomic:sql://my-db?jdbc:postgresql://db.example.com:5432/d?user=u&password=********"
              + "&sslmode=require&connectTimeout=10&loginTimeout=10&socketTimeout=60"),
          r.stdout().strip());
      assertEquals("", r.stderr(), "the profile script sets nothing the boot warns about");
    }
  }

  @Test
  void aProcfileRunnerStartsTheTransactorFromTheAppRoot() throws IOException {
    boolean nf = Run.of("bash", "-c", "command -v nf").go().exitCode() == 0;
    // CI installs node-foreman (.ci/run); only a developer's machine may lack it.
    assumeTrue(nf || System.getenv("CI") != null, "node-foreman (nf) is not installed");
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp).withDistribution()) {
      app.compileOk();
      Path cgroup = DynoEnv.cgroup(tmp.resolve("cgroup"), DynoEnv.ONE_GB);
      Files.writeString(app.build().resolve(".env"), "DATOMIC_BUILDPACK_CGROUP_ROOT=" + cgroup
          + "\nSTUB_TRANSACTOR_RECORD=" + tmp.resolve("record") + "\n");
      try (Dyno runner = Dyno.command(app.build(), "nf start transactor", Map.of(),
          tmp.resolve("nf"))) {
        assertTrue(runner.awaitStarted(90), runner.output());
        assertEquals("768m", Files.readString(tmp.resolve("record.args")).lines()
            .filter(l -> l.startsWith("XMX=")).findFirst().orElseThrow().substring(4));
      }
    }
  }
}
