package datomic.buildpack.heroku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.compile.BuildpackVersion;
import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Machine;
import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build log as Heroku's own buildpacks write it: errors and warnings prefixed on every line,
 * in their colours on a terminal or in a Heroku build, plain otherwise and under NO_COLOR, from
 * the bash shims and the Java CLI alike; and the switches for debugging a build.
 */
class BuildOutputIT {
  private static final String RED = "\u001b[1;31m";
  private static final String YELLOW = "\u001b[1;33m";
  private static final String RESET = "\u001b[0m";

  @TempDir Path tmp;

  private static String quoted(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** Runs {@code command} on a pseudo-terminal (util-linux script): stdout and stderr are one. */
  private static Run onTerminal(String... command) {
    List<String> words = new ArrayList<>();
    for (String c : command) {
      words.add(quoted(c));
    }
    return Run.of("script", "-qec", String.join(" ", words), "/dev/null");
  }

  /** bin/detect refusing an app, with a JVM on PATH or none (as on Heroku's build image). */
  private Run detect(boolean withJava, Run run) {
    if (!withJava) {
      run.env("PATH", Machine.pathWithoutJava(tmp.resolve("no-java")).toString())
          .unset("JAVA_HOME");
    }
    return run;
  }

  private Path notATransactor() {
    Path app = tmp.resolve("app");
    if (!Files.exists(app)) {
      BuildFixture.copyTree(Repo.app("not-a-transactor"), app);
    }
    return app;
  }

  /** Every line of an error block carries the prefix, in colour or not. */
  private static void assertEveryLineBanged(String block, boolean colour) {
    List<String> lines = block.lines().map(l -> l.replace("\r", "")).filter(l -> !l.isEmpty())
        .toList();
    assertTrue(lines.size() >= 5, block);
    for (String line : lines) {
      if (colour) {
        assertTrue(line.startsWith(RED + " !") && line.endsWith(RESET), "coloured: " + line);
      } else {
        assertTrue(line.startsWith(" !     "), "prefixed: " + line);
        assertFalse(line.contains("\u001b"), "plain: " + line);
      }
    }
  }

  @Test
  void detectsRefusalIsAnErrorWithOrWithoutAJvmColouredOnlyWhereItShouldBe() {
    String app = notATransactor().toString();
    for (boolean withJava : new boolean[] {true, false}) {
      String rule = withJava ? "with a JVM: " : "without: ";
      Run.Result piped = detect(withJava, Run.of(Repo.bin("detect"), app)).go();
      assertEquals(1, piped.exitCode(), rule + piped);
      assertTrue(piped.stderr().startsWith("\n !     Error: This app is not a Datomic transactor"
          + " app"), rule + piped.stderr());
      assertEveryLineBanged(piped.stderr(), false);

      Run.Result terminal = detect(withJava, onTerminal(Repo.bin("detect"), app)).go();
      assertEquals(1, terminal.exitCode(), rule + terminal);
      assertTrue(terminal.stdout().contains(RED + " !     Error: This app is not a Datomic"),
          rule + terminal.stdout());
      assertEveryLineBanged(terminal.stdout(), true);

      Run.Result noColor = detect(withJava, onTerminal(Repo.bin("detect"), app))
          .env("NO_COLOR", "1").go();
      assertEveryLineBanged(noColor.stdout(), false);

      // A Heroku build's log shows colours; a dyno's log (DYNO set) gets none.
      Run.Result build = detect(withJava, Run.of(Repo.bin("detect"), app))
          .env("STACK", "heroku-24").go();
      assertEveryLineBanged(build.stderr(), true);
      Run.Result dyno = detect(withJava, Run.of(Repo.bin("detect"), app))
          .env("STACK", "heroku-24").env("DYNO", "run.1").go();
      assertEveryLineBanged(dyno.stderr(), false);
    }
  }

  @Test
  void warningsAreYellowInBashAndInTheCli() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp).withDistribution()) {
      Files.createSymbolicLink(app.build().resolve(".jdk"), Machine.jdkHome());
      app.setVar("DATOMIC_MEMORY_INDEX_MAXX", "256m"); // the CLI warns: a typo
      Run.Result r = Run.of(Repo.bin("compile"), app.build().toString(), app.cache().toString(),
          app.env().toString()).env("STACK", "heroku-26").go(); // bash warns: unknown stack
      assertEquals(0, r.exitCode(), r.toString());
      assertTrue(r.stderr().contains(YELLOW + " !     Warning: The heroku-26 stack" ), r.stderr());
      assertTrue(r.stderr().contains(YELLOW + " !     Warning: DATOMIC_MEMORY_INDEX_MAXX"),
          r.stderr());
      assertFalse(r.stdout().contains("\u001b"), "steps stay plain: " + r.stdout());
    }
  }

  /**
   * A failure no user can cause: the CLI's failpoint, a variable of the build's own process
   * environment (config vars never reach it), so the error is "unexpected".
   */
  private static final Map<String, String> FAILPOINT =
      Map.of("DATOMIC_BUILDPACK_FAILPOINT", "compile");

  @Test
  void anUnexpectedErrorSaysWhatToReportAndWhere() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp)) {
      Run.Result r = app.compile(FAILPOINT);
      assertEquals(70, r.exitCode(), r.toString());
      String err = r.stderr();
      assertTrue(err.contains(" !     Error: The Datomic buildpack failed unexpectedly."), err);
      assertTrue(err.contains(" !     " + BuildpackVersion.issues() + "\n"), err);
      assertTrue(BuildpackVersion.issues().startsWith("https://github.com/"),
          BuildpackVersion.issues());
      assertTrue(err.matches("(?s).*with the buildpack version \\(v\\d+\\+[0-9a-f]{12}\\) and this"
          + " log.*"), err);
      assertTrue(err.contains("heroku config:set DATOMIC_BUILDPACK_DEBUG=1"), err);
      assertFalse(err.contains("\tat "), "no stack trace unless asked: " + err);
    }
  }

  @Test
  void debuggingSwitchesWorkAsConfigVarsAndFromTheEnvironment() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp)) {
      app.setVar("DATOMIC_BUILDPACK_DEBUG", "1");
      Run.Result debug = app.compile(FAILPOINT);
      assertEquals(70, debug.exitCode(), debug.toString());
      assertTrue(debug.stderr().contains("\tat datomic.buildpack."), "a stack trace: " + debug);
      assertTrue(debug.stderr().contains("the stack trace below included"), debug.stderr());
      assertFalse(debug.stderr().contains("\n+ "), "no trace of the shell: " + debug.stderr());

      app.setVar("DATOMIC_BUILDPACK_DEBUG", "0");
      app.setVar("BUILDPACK_XTRACE", "1");
      Run.Result xtrace = app.compile(FAILPOINT);
      assertTrue(xtrace.stderr().startsWith("+ checks::stack\n"), xtrace.stderr());
      assertTrue(xtrace.stderr().contains("+ cli_jar::run "), xtrace.stderr());
      assertFalse(xtrace.stderr().contains("\tat "), "debug is off: " + xtrace.stderr());
    }
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("env"))) {
      Run.Result fromEnv = Run.of(Repo.bin("detect"), app.build().toString())
          .env("BUILDPACK_XTRACE", "1").go();
      assertEquals(0, fromEnv.exitCode(), fromEnv.toString());
      assertTrue(fromEnv.stderr().contains("+ detect::app "), fromEnv.stderr());
      Run.Result quiet = Run.of(Repo.bin("detect"), app.build().toString()).go();
      assertEquals("", quiet.stderr());
    }
  }
}
