package datomic.buildpack.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./dry-run} as a user drives it, through real processes (the script, bin/detect,
 * bin/compile, bin/release, the release phase, the dynos, a throwaway PostgreSQL): what it says
 * it proved, the config vars a user gives it, the five first mistakes, a bad --app, and the real
 * path as far as a local zip allows (a user's zip whose bin/run is the real Datomic peer library;
 * the official download played by a loopback server).
 */
class DryRunIT {
  @TempDir Path tmp;

  Run.Result dryRun(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Repo.root().resolve("dry-run").toString()));
    command.addAll(List.of(args));
    Path tmpdir = Files.createDirectories(tmp.resolve("tmpdir"));
    Run.Result r = Run.of(command).env("TMPDIR", tmpdir.toString()).env("NO_COLOR", "1")
        .timeout(600).go();
    System.out.println(r);
    return r;
  }

  /** The dry run's temp folders left in TMPDIR. */
  List<Path> leftOver() throws IOException {
    try (Stream<Path> files = Files.list(tmp.resolve("tmpdir"))) {
      return files.filter(p -> p.getFileName().toString().startsWith("datomic-dry-run-"))
          .toList();
    }
  }

  static String firstLine(String text) {
    return text.lines().filter(l -> !l.isBlank()).findFirst().orElse("");
  }

  static List<String> lastLines(String text, int n) {
    List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
    return lines.subList(Math.max(0, lines.size() - n), lines.size());
  }

  @Test
  void theStandInRunSaysAtTheStartAndTheEndWhatItProvedAndLeavesOutWhatCannotApply()
      throws IOException {
    Run.Result r = dryRun();
    assertEquals(0, r.exitCode(), r.toString());
    String out = r.stdout();
    assertEquals("-----> Dry run: Heroku's build and dynos, played on this machine with a local"
        + " stand-in for Datomic (bash scripts from test-fixtures/datomic-dist)", firstLine(out));
    assertTrue(out.contains("this run proves the buildpack's part (detect, build, the"
        + " properties"), out);
    assertEquals(List.of("-----> Dry run complete: detect, compile, release, the release phase,"
            + " transactor.1's boot (stand-in), the peer server's boot (stand-in) worked.",
        "       This proved the buildpack's part only: Datomic was a local stand-in. Real"
            + " Datomic: ./dry-run --datomic-zip PATH or ./dry-run --real."),
        lastLines(out, 2));
    assertTrue(out.contains("-----> Installing Datomic Pro 1.0.7622 (the dry run's local"
        + " stand-in, not Datomic)"), out);
    // Warnings that cannot apply here: left out, or said for what they are.
    assertFalse(r.stderr().contains("No known checksum"), "no pin for a zip built for this run: "
        + r.stderr());
    assertTrue(out.contains("No known checksum: this is the dry run's stand-in zip"), out);
    assertFalse(r.all().contains("not in a Private Space"), r.all());
    assertTrue(out.contains("derived from 1024 MB (cgroup v2 memory.max, simulated by the dry"
        + " run)"), out);
    assertTrue(out.contains("No round trip through the peer library: the stand-in has none"), out);
    assertEquals(List.of(), leftOver(), "the temp folders are gone");
  }

  @Test
  void configVarsFromAnEnvFileAndDashEReachTheBuildAndEveryDyno() throws IOException {
    // Two of the first mistakes at once: a typo in a var's name, and a heap too big.
    Path envFile = Files.writeString(tmp.resolve(".env"), String.join("\n",
        "# my app's settings",
        "export DATOMIC_XMS=1g",
        "DATOMIC_XMX='512m'", ""), StandardCharsets.UTF_8);
    Run.Result r = dryRun("--env-file", envFile.toString(), "-e", "DATOMIC_XMX=2g");
    assertEquals(1, r.exitCode(), r.toString());
    String err = r.all(); // the build's warnings on stderr, the dynos' output on stdout
    assertTrue(r.stdout().contains("Config vars from -e/--env-file (in ENV_DIR and every dyno, as"
        + " heroku config:set puts them): DATOMIC_XMS, DATOMIC_XMX"), r.stdout());
    assertTrue(err.contains(" !     Warning: DATOMIC_XMS is not a setting this buildpack knows;"
        + " it is ignored.\n !     Did you mean DATOMIC_XMX?"), "the build saw it: " + err);
    assertTrue(err.contains(" !     Error: The transactor heap (2g, from config var DATOMIC_XMX)"
        + " does not fit this dyno's 1024 MB of memory"), "-e wins over the file: " + err);
    assertTrue(err.contains("The largest heap that fits this dyno is 768m: heroku config:set"
        + " DATOMIC_XMX=768m [in the dry run: -e DATOMIC_XMX=768m]."), err);
    assertTrue(err.contains("heroku ps:type transactor=private-m (2.5 GB; shield-m in a Shield"
        + " space)"), "a Private Space dyno: " + err);
    assertTrue(lastLines(r.stdout(), 2).get(0).startsWith("-----> Dry run stopped at"
        + " transactor.1's boot (exit 1); the output above says why. Worked before it: detect,"
        + " compile, release, the release phase."), r.stdout());
    assertEquals(List.of(), leftOver());

    // The same heap on the dyno it fits.
    Run.Result larger = dryRun("-e", "DATOMIC_XMX=2g", "--dyno-type", "private-m");
    assertEquals(0, larger.exitCode(), larger.toString());
    assertTrue(larger.stdout().contains("heap      -Xmx2g -Xms2g (config var DATOMIC_XMX)"),
        larger.stdout());
  }

  @Test
  void theOtherFirstMistakesReproduceInOneCommandEach() throws IOException {
    Run.Result version = dryRun("-e", "DATOMIC_VERSION=1.0.762");
    assertEquals(1, version.exitCode(), version.toString());
    assertTrue(version.all().contains("Error: Datomic Pro 1.0.762 was not found (HTTP 404)."),
        "a version Datomic never released is not served: " + version.all());
    assertTrue(version.stdout().contains("Dry run stopped at bin/compile (exit 1)"),
        version.stdout());

    Run.Result url = dryRun("-e", "DATABASE_URL=postgres://user:secret-pw@127.0.0.1");
    assertEquals(1, url.exitCode(), url.toString());
    assertTrue(url.all().contains("DATABASE_URL is not a usable Postgres URL"), url.all());
    assertFalse(url.all().contains("secret-pw"), "the password stays masked: " + url.all());

    Run.Result standby = dryRun("-e", "DATABASE_URL=", "--transactors", "2");
    assertEquals(1, standby.exitCode(), standby.toString());
    assertTrue(standby.all().contains("No database configured: using dev storage"),
        "-e NAME= unsets the throwaway database: " + standby.all());
    assertTrue(standby.all().contains("Error: transactor.2 cannot run as a standby with dev"
        + " storage."), standby.all());
    assertTrue(standby.stdout().contains("Worked before it: detect, compile, release, the"
        + " release phase, transactor.1's boot (stand-in)."), standby.stdout());
    assertEquals(List.of(), leftOver());
  }

  @Test
  void aBadAppPathOrOptionIsAUserErrorAndLeavesNoTempFolder() throws IOException {
    Run.Result missing = dryRun("--app", tmp.resolve("no-such-app").toString());
    assertEquals(1, missing.exitCode(), missing.toString());
    assertTrue(missing.stderr().contains(" !     Error: The app to build, "
        + tmp.resolve("no-such-app") + ", does not exist."), missing.stderr());
    assertFalse(missing.all().contains("This is a bug"), missing.all());
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    Run.Result notFolder = dryRun("--app", file.toString());
    assertTrue(notFolder.stderr().contains("is not a folder."), notFolder.stderr());
    Run.Result badEnv = dryRun("-e", "DATOMIC_XMX");
    assertEquals(1, badEnv.exitCode(), badEnv.toString());
    assertTrue(badEnv.stderr().contains("Error: -e DATOMIC_XMX is not NAME=VALUE."),
        badEnv.stderr());
    Run.Result noFile = dryRun("--env-file", tmp.resolve("missing.env").toString());
    assertTrue(noFile.stderr().contains("Error: Cannot read the env file"), noFile.stderr());
    Run.Result both = dryRun("--real", "--datomic-zip", file.toString());
    assertTrue(both.stderr().contains("--datomic-zip and --real both choose the distribution."),
        both.stderr());
    Run.Result notZip = dryRun("--datomic-zip", file.toString());
    assertTrue(notZip.stderr().contains("is not a zip file."), notZip.stderr());
    assertEquals(List.of(), leftOver(), "nothing was left in TMPDIR");
  }

  /**
   * A zip laid out as Datomic's whose bin/run is the real Datomic peer library (the test's
   * classpath: com.datomic:peer, Clojure, pgjdbc) behind clojure.main, as Datomic's bin/run is;
   * its bin/transactor is still the stand-in (the real one is not on Maven Central).
   */
  Path zipWithTheRealPeerLibrary() {
    String runScript = String.join("\n",
        "#!/usr/bin/env bash",
        "# Like Datomic's bin/run: JVM options, then clojure.main's arguments.",
        "cd \"$(dirname \"$0\")/..\"",
        "jvm=()",
        "while [[ $# -gt 0 && \"$1\" == -[XD]* ]]; do jvm+=(\"$1\"); shift; done",
        "exec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' \"${jvm[@]}\""
            + " -XX:TieredStopAtLevel=1 -cp '" + System.getProperty("java.class.path")
            + "':\"${DATOMIC_EXT_CLASSPATH:-}\" clojure.main \"$@\"", "");
    return FakeDistribution.from(Repo.root().resolve("test-fixtures/datomic-dist"))
        .omit("bin/run")
        .extraEntry("datomic-pro-1.0.7622/bin/run", runScript.getBytes(StandardCharsets.UTF_8),
            0100755)
        .writeTo(tmp.resolve("datomic-pro-1.0.7622.zip"));
  }

  @Test
  void aUsersZipRunsItsOwnTransactorAndPeerLibraryAndSaysWhatRanForReal() throws IOException {
    Path zip = zipWithTheRealPeerLibrary();
    Run.Result r = dryRun("--datomic-zip", zip.toString(), "--round-trip-wait", "3");
    String out = r.stdout();
    assertEquals("-----> Dry run: Heroku's build and dynos, played on this machine with Datomic"
        + " Pro 1.0.7622 from " + zip, firstLine(out));
    assertTrue(out.contains("The real bin/transactor and peer server run, then a round trip"
        + " through the distribution's own peer library."), out);
    // Installed as a Heroku build installs a zip at a file: URL, and the pin advice applies.
    assertTrue(out.contains("-----> Installing Datomic Pro 1.0.7622\n"), out);
    assertTrue(r.stderr().contains(" !     Warning: No known checksum for Datomic Pro 1.0.7622"),
        r.stderr());
    assertTrue(r.stderr().contains("heroku config:set DATOMIC_SHA256="), r.stderr());
    assertTrue(out.contains("-----> The transactor.1 is up"), out);
    // The round trip ran through the real peer library against the real PostgreSQL: it read
    // the storage and found no transactor there (this zip's transactor is a stand-in).
    assertTrue(out.contains("$ .datomic/dist/bin/run dry_run_round_trip.clj"), out);
    assertTrue(out.contains("ROUND-TRIP failed: :db.error/read-transactor-location-failed"),
        "the real peer library's own answer: " + out);
    assertEquals(1, r.exitCode(), r.toString());
    assertTrue(r.all().contains("Error: The round trip through the distribution's peer"
        + " library failed: :db.error/read-transactor-location-failed"), r.stderr());
    assertTrue(lastLines(out, 2).get(0).startsWith("-----> Dry run stopped at the round trip"
        + " through the peer library (exit 1)"), out);
    assertEquals("       The Datomic of this run was Datomic Pro 1.0.7622 from " + zip + ": what"
        + " is listed as worked above ran for real.", lastLines(out, 2).get(1));
    assertTrue(lastLines(out, 2).get(0).endsWith("Worked before it: detect, compile, release,"
        + " the release phase, transactor.1's boot."), "this transactor is the stand-in: the"
        + " list names what ran: " + out);
    assertFalse(r.all().contains("password=") && !r.all().contains("password=********"),
        "no storage password in the output: " + r.all());
    assertEquals(List.of(), leftOver());
  }

  @Test
  void realDownloadsAsAHerokuBuildDoesRecordingTheChecksumAndCachingTheZip() throws IOException {
    Path zip = FakeDistribution.from(Repo.root().resolve("test-fixtures/datomic-dist"))
        .writeTo(tmp.resolve("served.zip"));
    Path cache = tmp.resolve("cache");
    try (LoopbackServer server = LoopbackServer.serve(
        "/1.0.7622/datomic-pro-1.0.7622.zip", zip)) {
      // The official URL is not reachable from here: DATOMIC_DOWNLOAD_URL plays it, as a
      // mirror would on Heroku.
      String mirror = "DATOMIC_DOWNLOAD_URL=" + server.base()
          + "/{version}/datomic-pro-{version}.zip";
      Run.Result first = dryRun("--real", "--cache", cache.toString(), "-e", mirror,
          "--round-trip-wait", "1");
      assertTrue(firstLine(first.stdout()).contains("Datomic Pro downloaded from its official"
          + " URL (checksum recorded and zip cached in " + cache), first.stdout());
      assertTrue(first.stderr().contains("Warning: DATOMIC_VERSION is not set: installing Datomic"
          + " Pro 1.0.7622"), "the version the build chooses, as on Heroku: " + first.stderr());
      assertTrue(first.stderr().contains("heroku config:set DATOMIC_VERSION=1.0.7622 [in the dry"
          + " run: -e DATOMIC_VERSION=1.0.7622]"), first.stderr());
      assertTrue(first.stderr().contains("recorded this one in the build cache for later"
          + " builds."), "trust on first use: " + first.stderr());
      assertTrue(first.stdout().contains("-----> The transactor.1 is up"), first.stdout());
      assertTrue(first.all().contains("Stand-in bin/run: it runs no Clojure"), first.all());
      assertTrue(first.all().contains("The round trip through the distribution's peer library"
          + " failed: it printed no ROUND-TRIP line"), "this zip's bin/run is a stand-in: " + first);
      assertEquals(1, server.requests());

      Run.Result second = dryRun("--real", "--cache", cache.toString(), "-e", mirror,
          "--round-trip-wait", "1");
      assertEquals(1, server.requests(), "the second run installs from the cache");
      assertTrue(second.stdout().contains("Using cached Datomic Pro 1.0.7622"), second.stdout());
      assertTrue(second.all().contains("DATOMIC_VERSION is not set: using Datomic Pro 1.0.7622,"
          + " the same version as the last build."), "the sticky version: " + second.all());
      assertTrue(Files.isDirectory(cache), "the cache of --real runs is kept");
    }
  }
}
