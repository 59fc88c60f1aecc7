package datomic.buildpack.heroku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Machine;
import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks bin/compile makes in bash before any JVM runs the buildpack's code: the Java version
 * (a .jdk left by an earlier heroku/jvm, system.properties, the machine's java) and the stack.
 */
class PlatformChecksIT {
  @TempDir Path tmp;

  /**
   * A fake JDK whose {@code bin/java} prints {@code versionOutput} for {@code -version} (as real
   * JDKs do, on stderr), records every call's arguments, and fails for anything else.
   */
  private Path fakeJdk(Path home, String versionOutput) throws IOException {
    Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
    Files.writeString(java, "#!/usr/bin/env bash\n"
        + "echo \"$*\" >> \"$(dirname \"$0\")/../calls\"\n"
        + "if [[ \"$1\" == -version ]]; then\n"
        + "  cat >&2 <<'EOF'\n" + versionOutput + "\nEOF\n"
        + "  exit 0\n"
        + "fi\n"
        + "echo 'fake java: only -version works' >&2\n"
        + "exit 99\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home;
  }

  /** The real bin/compile on the fixture's folders, to run with changes to its environment. */
  private static Run compile(BuildFixture app) {
    return Run.of(Repo.bin("compile"), app.build().toString(), app.cache().toString(),
        app.env().toString());
  }

  private static String calls(Path jdk) throws IOException {
    Path calls = jdk.resolve("calls");
    return Files.exists(calls) ? Files.readString(calls) : "";
  }

  /** The compile failed at the Java check: nothing downloaded, nothing installed. */
  private static void assertStoppedEarly(BuildFixture app, Run.Result r) {
    assertEquals(1, r.exitCode(), r.toString());
    assertFalse(r.all().contains("UnsupportedClassVersionError"), r.toString());
    assertFalse(r.all().contains("Maven"), r.toString());
    assertFalse(r.all().contains("unexpectedly"), r.toString());
    assertEquals(0, app.downloads(), "nothing downloaded");
    assertFalse(Files.exists(app.build().resolve(".datomic")), "nothing installed");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "java version \"1.8.0_412\"|1.8.0_412",
      "openjdk version \"1.8.0_412\"|1.8.0_412",
      "openjdk version \"11.0.22\" 2024-01-16|11.0.22",
      "openjdk version \"16\" 2021-03-16|16"})
  void anOldJdkFromAnEarlierBuildpackFailsWithTheVersionAndTheFix(String firstLine,
      String version) throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp).withDistribution()) {
      Path jdk = fakeJdk(app.build().resolve(".jdk"), firstLine
          + "\nOpenJDK Runtime Environment (build x)\nOpenJDK 64-Bit Server VM (build x)");
      Run.Result r = app.compile();
      assertStoppedEarly(app, r);
      assertTrue(r.stderr().contains(" !     Error: The JDK in .jdk is Java " + version
          + "; the Datomic buildpack needs Java 17 or later."), r.stderr());
      assertTrue(r.stderr().contains("An earlier buildpack (heroku/jvm) installed it"),
          r.stderr());
      assertTrue(r.stderr().contains(" !       java.runtime.version=17\n"), r.stderr());
      assertEquals("-version\n", calls(jdk), "only asked for its version");
    }
  }

  @Test
  void theJdksReleaseFileIsReadWithoutStartingIt() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp).withDistribution()) {
      Path jdk = fakeJdk(app.build().resolve(".jdk"), "openjdk version \"17.0.2\"");
      Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"Azul Systems, Inc.\"\n"
          + "JAVA_VERSION=\"1.8.0_412\"\nOS_NAME=\"Linux\"\n");
      Run.Result r = app.compile();
      assertStoppedEarly(app, r);
      assertTrue(r.stderr().contains("The JDK in .jdk is Java 1.8.0_412"), r.stderr());
      assertEquals("", calls(jdk), "the release file said it; no JVM started");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"11", "1.8", "8", "zulu-1.8.0_144", "16.0.2"})
  void systemPropertiesAskingForAnOldJavaFailBeforeAnythingIsDownloaded(String version)
      throws IOException {
    Path noJava = Machine.pathWithoutJava(tmp.resolve("bin"));
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("app"))
        .withDistribution()) {
      String props = "# the app's\njava.runtime.version=" + version + "\n";
      Files.writeString(app.build().resolve("system.properties"), props);
      // Without the check this would be the error: the JVM buildpack cannot be downloaded.
      app.setVar("JVM_COMMON_BUILDPACK", tmp.resolve("missing.tgz").toUri().toString());
      Run.Result r = Run.of(Repo.bin("compile"), app.build().toString(), app.cache().toString(),
          app.env().toString()).env("PATH", noJava.toString()).unset("JAVA_HOME")
          .env("STACK", "heroku-24").env("NO_COLOR", "1").go();
      assertStoppedEarly(app, r);
      assertTrue(r.stderr().contains(" !     Error: system.properties asks for Java " + version
          + "; the Datomic buildpack needs Java 17 or later."), r.stderr());
      assertTrue(r.stderr().contains(" !       java.runtime.version=17\n"), r.stderr());
      assertFalse(r.all().contains("Installing a JDK"), r.toString());
      assertFalse(r.stderr().contains("Could not download"), r.stderr());
      assertEquals(props, Files.readString(app.build().resolve("system.properties")));
      assertFalse(Files.exists(app.build().resolve(".jdk")));
    }
  }

  @Test
  void anOldJavaOnTheMachineFailsALocalBuildWithTheFix() throws IOException {
    Path jdk = fakeJdk(tmp.resolve("old-jdk"), "openjdk version \"11.0.22\" 2024-01-16");
    String path = jdk.resolve("bin") + ":" + System.getenv("PATH");
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("app"))
        .withDistribution()) {
      Run.Result r = compile(app).env("PATH", path).unset("JAVA_HOME").go();
      assertStoppedEarly(app, r);
      assertTrue(r.stderr().contains("The Java at " + jdk.resolve("bin/java")
          + " (the first java on PATH) is Java 11.0.22"), r.stderr());
      assertTrue(r.stderr().contains("point JAVA_HOME at it"), r.stderr());
    }
  }

  @Test
  void detectRunsNoJavaEvenAnOldOne() throws IOException {
    Path jdk = fakeJdk(tmp.resolve("old-jdk"), "openjdk version \"11.0.22\" 2024-01-16");
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("app"))) {
      Run.Result r = Run.of(Repo.bin("detect"), app.build().toString()).env("JAVA_HOME", jdk.toString()).go();
      assertEquals(0, r.exitCode(), r.toString());
      assertEquals("Datomic\n", r.stdout());
      assertEquals("", calls(jdk), "bin/detect is bash only");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"heroku-20", "heroku-18", "cedar-14"})
  void aRetiredStackFailsWithWhatToDo(String stack) throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp).withDistribution()) {
      Files.createSymbolicLink(app.build().resolve(".jdk"), Machine.jdkHome());
      Run.Result r = compile(app).env("STACK", stack).env("NO_COLOR", "1").go();
      assertStoppedEarly(app, r);
      assertTrue(r.stderr().contains(" !     Error: The " + stack + " stack is retired"),
          r.stderr());
      assertTrue(r.stderr().contains("supports heroku-22 and heroku-24"), r.stderr());
      assertTrue(r.stderr().contains("heroku stack:set heroku-24 -a <app>"), r.stderr());
      assertEquals("", r.stdout(), "failed before the first step");
    }
  }

  @Test
  void anUnknownStackWarnsAndBuilds() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp).withDistribution()) {
      Files.createSymbolicLink(app.build().resolve(".jdk"), Machine.jdkHome());
      Run.Result r = compile(app).env("STACK", "heroku-26").env("NO_COLOR", "1").go();
      assertEquals(0, r.exitCode(), r.toString());
      assertTrue(r.stderr().contains(
          " !     Warning: The heroku-26 stack is not one this buildpack release knows."),
          r.stderr());
      assertTrue(r.stderr().contains("heroku buildpacks:set "), r.stderr());
      assertTrue(Files.isExecutable(app.build().resolve(".datomic/dist/bin/transactor")));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"heroku-22", "heroku-24"})
  void aSupportedStackBuildsWithoutAWord(String stack) throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp).withDistribution()) {
      Files.createSymbolicLink(app.build().resolve(".jdk"), Machine.jdkHome());
      Run.Result r = compile(app).env("STACK", stack).go();
      assertEquals(0, r.exitCode(), r.toString());
      assertFalse(r.stderr().contains("stack"), r.stderr());
    }
  }

  /** The lists live in lib/platform.sh; the pom and docs/platform.md follow them. */
  @Test
  void platformDataAgreesWithThePomAndTheDocs() throws IOException {
    Run.Result r = Run.of("bash", "-c", "source lib/platform.sh && echo \"$MIN_JAVA_VERSION\" "
        + "&& echo \"${SUPPORTED_STACKS[*]}\" && echo \"${RETIRED_STACKS[*]}\"").go();
    assertEquals(0, r.exitCode(), r.toString());
    List<String> lines = r.stdout().lines().toList();
    Matcher release = Pattern.compile("<maven.compiler.release>(\\d+)<")
        .matcher(Files.readString(Repo.root().resolve("pom.xml")));
    assertTrue(release.find());
    assertEquals(release.group(1), lines.get(0), "the CLI's class files need MIN_JAVA_VERSION");
    String doc = Files.readString(Repo.root().resolve("docs/platform.md"));
    for (String stack : (lines.get(1) + " " + lines.get(2)).split(" ")) {
      assertTrue(doc.contains("`" + stack + "`"), "docs/platform.md names the stack " + stack);
    }
    String readme = Files.readString(Repo.root().resolve("README.md"));
    for (String stack : lines.get(1).split(" ")) {
      assertTrue(readme.contains("`" + stack + "`"), "README names the supported stack " + stack);
    }
  }
}
