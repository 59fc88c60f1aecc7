package datomic.buildpack.slug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Dyno;
import datomic.buildpack.testsupport.DynoEnv;
import datomic.buildpack.testsupport.Run;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The slug's launcher ({@code .datomic/bin/datomic-buildpack}) as a person and a platform use it:
 * {@code COMMAND --help} as its own usage line promises, a TMPDIR it cannot write its exec plan
 * to, and a stop (Ctrl-C in {@code heroku run}, a dyno's SIGTERM) while its CLI is still working.
 */
class SlugLauncherIT {
  @TempDir static Path shared;
  static BuildFixture app;

  @TempDir Path tmp;

  @BeforeAll
  static void compileOnce() {
    app = BuildFixture.compiled("minimal-transactor", shared);
  }

  @AfterAll
  static void close() {
    app.close();
  }

  static String launcher() {
    return app.build().resolve(".datomic/bin/datomic-buildpack").toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {"launch", "release-phase", "peer-uri", "peer-server",
      "create-database", "client-config", "console", "backup", "list-backups", "verify-backup",
      "restore"})
  void everyCommandPrintsItsUsageWithHelp(String command) {
    Run.Result r = Run.of(launcher(), command, "--help").in(app.build())
        .env("HOME", app.build().toString()).go();
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stdout().startsWith("Usage: datomic-buildpack " + command), r.toString());
    assertEquals("", r.stderr(), r.toString());
  }

  @Test
  void aTmpdirThatCannotHoldTheExecPlanIsAClearError() {
    Run.Result r = Run.of(launcher(), "peer-uri", "a-db").in(app.build())
        .env("HOME", app.build().toString())
        .env("TMPDIR", tmp.resolve("missing").toString()).go();
    assertEquals(1, r.exitCode(), r.toString());
    assertTrue(r.stderr().contains(" !     Error: Could not create a temporary file in "
        + tmp.resolve("missing")), r.toString());
    assertTrue(r.stderr().contains("TMPDIR"), r.toString());
    assertFalse(r.stderr().contains("mktemp:"), r.toString());
  }

  /**
   * A stop while the CLI waits on storage that never answers (a port that accepts and is never
   * read): the launcher ends at once with the code of the signal it got (130 for Ctrl-C, 143 for
   * SIGTERM, 129 for SIGHUP), its CLI gone with it, and nothing exec'd.
   */
  @ParameterizedTest
  @CsvSource({"INT, 130", "TERM, 143", "HUP, 129"})
  void aStopDuringTheCliEndsWithTheSignalsCode(String signal, int code) throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Map<String, String> env = DynoEnv.of("release.1", tmp.resolve("cgroup"), DynoEnv.ONE_GB);
      env.put("DATABASE_URL", "postgres://u:p@127.0.0.1:" + silent.getLocalPort() + "/db");
      try (Dyno dyno = Dyno.command(app.build(), launcher() + " release-phase", env,
          tmp.resolve("dyno"))) {
        // Wait until the CLI's JVM is up and connecting (it is the launcher's child).
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (cliOf(dyno).findAny().isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        Thread.sleep(1500);
        ProcessHandle cli = cliOf(dyno).findAny().orElseThrow(
            () -> new AssertionError("no CLI child:\n" + dyno.output()));
        new ProcessBuilder("kill", "-" + signal, Long.toString(dyno.pid())).start().waitFor();
        assertEquals(code, dyno.awaitExit(10), dyno.output());
        cli.onExit().get();
        assertFalse(cli.isAlive());
        assertFalse(dyno.output().contains("Release checks passed"), dyno.output());
      }
    }
  }

  private static Stream<ProcessHandle> cliOf(Dyno dyno) {
    return ProcessHandle.of(dyno.pid()).stream().flatMap(ProcessHandle::descendants)
        .filter(p -> p.info().commandLine().orElse("").contains("buildpack.jar"));
  }
}
