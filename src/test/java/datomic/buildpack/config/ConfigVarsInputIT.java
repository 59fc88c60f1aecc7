package datomic.buildpack.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Careless or hostile config vars and compile arguments, through the real bin/compile: each
 * ends in a message naming what is wrong, before anything is downloaded or installed.
 */
class ConfigVarsInputIT {
  @TempDir Path tmp;

  private static void assertRefusedBeforeInstalling(BuildFixture app, Run.Result r) {
    assertRefusedBeforeInstalling(app, r, 1);
  }

  /** Exit 2: a usage error (the wrong number of arguments). */
  private static void assertRefusedBeforeInstalling(BuildFixture app, Run.Result r, int exit) {
    assertEquals(exit, r.exitCode(), r.toString());
    assertTrue(r.stderr().contains(" !     Error: "), r.stderr());
    assertFalse(r.all().contains("Exception"), r.toString());
    assertFalse(r.all().contains("unexpectedly"), r.toString());
    assertFalse(Files.exists(app.build().resolve(".datomic")), "nothing installed");
    assertEquals(0, app.downloads(), "nothing downloaded");
  }

  @Test
  void aValueWithALineBreakCannotForgeALineOfTheBuildLog() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp).withDistribution()) {
      app.setVar("DATOMIC_SQL_VALIDATION_QUERY",
          "SELECT 1\n-----> Datomic Pro 1.0.7622 is ready\n\u001b[1A");
      Run.Result r = app.compile();
      assertRefusedBeforeInstalling(app, r);
      assertTrue(r.stderr().contains("DATOMIC_SQL_VALIDATION_QUERY=SELECT 1\\n-----> Datomic Pro"
          + " 1.0.7622 is ready\\n\\u001B[1A: it holds a line break (shown as \\n) at character 9:"
          + " the value must be one line."), r.stderr());
      assertFalse(r.all().lines().anyMatch(l -> l.startsWith("-----> Datomic Pro")), r.toString());
      assertFalse(r.all().contains("\u001b"), r.toString());
    }
  }

  @Test
  void aPortTooLargeForAnyNumberGetsTheAllowedRange() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp).withDistribution()) {
      app.setVar("DATOMIC_PORT", "99999999999999999999");
      Run.Result r = app.compile();
      assertRefusedBeforeInstalling(app, r);
      assertTrue(r.stderr().contains("DATOMIC_PORT=99999999999999999999: expected a whole number"
          + " from 1 to 65535."), r.stderr());
    }
  }

  @Test
  void aConfigVarThatIsNotUtf8IsNamed() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("a"))
        .withDistribution()) {
      Files.write(app.env().resolve("DATOMIC_SQL_VALIDATION_QUERY"),
          new byte[] {'S', 'E', 'L', (byte) 0xff});
      Run.Result r = app.compile();
      assertRefusedBeforeInstalling(app, r);
      assertTrue(r.stderr().contains("DATOMIC_SQL_VALIDATION_QUERY: its value is not valid UTF-8"
          + " text."), r.stderr());
      assertFalse(r.all().contains("Input length"), r.toString());
    }
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("b"))
        .withDistribution()) {
      // Another buildpack's binary var is none of this buildpack's business.
      Files.write(app.env().resolve("OTHER_BUILDPACKS_KEY"), new byte[] {(byte) 0xfe, 0x01});
      app.compileOk();
    }
  }

  @Test
  void aMissingEnvDirFailsTheBuildInsteadOfIgnoringEveryConfigVar() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp).withDistribution()) {
      app.setVar("DATOMIC_SHA256", "0".repeat(64)); // would fail the build if it were read
      Path missing = tmp.resolve("no-such-env-dir");
      Run.Result r = Run.of(Repo.bin("compile"), app.build().toString(), app.cache().toString(),
          missing.toString()).go();
      assertRefusedBeforeInstalling(app, r);
      assertTrue(r.stderr().contains("Error: ENV_DIR " + missing + " is not a folder."),
          r.stderr());

      Run.Result twoArgs = Run.of(Repo.bin("compile"), app.build().toString(),
          app.cache().toString()).go();
      assertRefusedBeforeInstalling(app, twoArgs, 2);
      assertTrue(twoArgs.stderr().contains("Error: bin/compile needs 3 arguments, BUILD_DIR"
          + " CACHE_DIR ENV_DIR; it got 2."), twoArgs.stderr());
      assertTrue(twoArgs.stderr().contains(" !     Usage: bin/compile BUILD_DIR CACHE_DIR ENV_DIR\n"),
          twoArgs.stderr());

      // The CLI itself, run without the shim, says the same.
      Path file = Files.writeString(tmp.resolve("env-file"), "");
      Run.Result cli = Run.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
          Repo.jar().toString(), "compile",
          app.build().toString(), app.cache().toString(), file.toString()).go();
      assertRefusedBeforeInstalling(app, cli);
      assertTrue(cli.stderr().contains("Error: ENV_DIR " + file + " is not a folder."),
          cli.stderr());
      // Who installed the JDK is bin/compile's to say, in words the CLI knows.
      Run.Result who = Run.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
          Repo.root().resolve("target/datomic-buildpack.jar").toString(), "compile",
          "--jdk-installed-by=someone", app.build().toString(), app.cache().toString(),
          app.env().toString()).go();
      assertRefusedBeforeInstalling(app, who);
      assertTrue(who.stderr().contains(" !     Error: --jdk-installed-by someone is none of"
          + " this-buildpack, earlier-buildpack, machine."), who.stderr());
    }
  }
}
