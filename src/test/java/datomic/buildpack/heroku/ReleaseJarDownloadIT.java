package datomic.buildpack.heroku;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.FaultyHttpServer;
import datomic.buildpack.testsupport.Machine;
import datomic.buildpack.testsupport.MavenBuild;
import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release's first deploy: bin/compile of a buildpack checkout without target/ downloads the
 * CLI jar its release record names from a real HTTP server on 127.0.0.1, verifies and caches it,
 * and builds from source with Maven only on an untagged commit or when the download fails (404,
 * a wrong checksum, a stall, a hang), saying which and why. The Maven build itself is the
 * suite's one (testsupport/MavenBuild, asserted by HerokuPlatformIT): the cache starts with the
 * jar it built from these same sources, as a cache that once built them has it.
 */
@Order(1) // one of the longest classes: started first (junit-platform.properties)
class ReleaseJarDownloadIT {
  private static final String PATH = "/releases/download/v7/datomic-buildpack.jar";

  @TempDir Path tmp;
  private int builds;

  private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** bin/compile of {@code buildpack} on a fresh copy of the app, with the fixture's cache and env. */
  private Run.Result compile(Path buildpack, BuildFixture app, String... env) {
    return compileRun(buildpack, app, env).go();
  }

  private Run compileRun(Path buildpack, BuildFixture app, String... env) {
    Path build = tmp.resolve("build-" + (++builds));
    BuildFixture.copyTree(Repo.app("minimal-transactor"), build);
    Run run = Run.of(buildpack.resolve("bin/compile").toString(), build.toString(),
        app.cache().toString(), app.env().toString())
        .env("NO_COLOR", "1");
    // Should it build after all, not from Maven Central: the machine's repository has it all.
    MavenBuild.offline(run);
    for (int i = 0; i < env.length; i += 2) {
      run.env(env[i], env[i + 1]);
    }
    return run;
  }

  private Path lastBuild() {
    return tmp.resolve("build-" + builds);
  }

  private static List<String> cachedJars(BuildFixture app) throws IOException {
    try (Stream<Path> files = Files.list(app.cache().resolve("datomic-buildpack-jar"))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aReleaseDownloadsItsJarAndBuildsWithMavenOnlyWhenItMustSayingWhy() throws Exception {
    Path buildpack = Machine.buildpackCheckout(tmp.resolve("buildpack"));
    assertFalse(Files.exists(buildpack.resolve("target")), "no prebuilt jar");
    byte[] jar = Files.readAllBytes(Repo.jar());
    Path jarFile = Files.write(tmp.resolve("datomic-buildpack.jar"), jar);
    String sha = sha256(jar);
    byte[] tampered = jar.clone();
    tampered[tampered.length / 2] ^= 1;

    try (FaultyHttpServer server = new FaultyHttpServer();
        BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("app"))
            .withDistribution()) {
      Path recordFile = buildpack.resolve("buildpack-release.json");
      Files.deleteIfExists(recordFile); // a checkout of a release has one: this test writes its own
      for (String bad : List.of("-K/etc/passwd", "http://example.com/x.jar", "https://a\"b")) {
        Run.Result refused = Run.of(buildpack.resolve("scripts/release").toString(), "record",
            "7", jarFile.toString(), bad).go();
        assertEquals(1, refused.exitCode(), refused.toString());
        assertTrue(refused.stderr().contains(" !     Error: Not a URL bin/compile downloads from"),
            refused.stderr());
        assertFalse(Files.exists(recordFile), "no record written");
      }
      Run.Result record = Run.of(buildpack.resolve("scripts/release").toString(), "record", "7",
          jarFile.toString(), server.url(PATH)).go();
      assertEquals(0, record.exitCode(), record.toString());
      String recorded = Files.readString(recordFile);
      assertTrue(recorded.contains("\"sha256\": \"" + sha + "\""), recorded);

      // 404: a warning that names it, then the CLI built with Maven from these sources.
      Path mavenJar = MavenBuild.shared().jar();
      Files.copy(mavenJar, Files.createDirectories(app.cache().resolve("datomic-buildpack-jar"))
          .resolve(mavenJar.getFileName()));
      server.on(PATH, FaultyHttpServer.status(404));
      Run.Result notFound = compile(buildpack, app);
      assertEquals(0, notFound.exitCode(), notFound.toString());
      assertTrue(notFound.stderr().contains(" !     Warning: Could not download the buildpack CLI"
          + " of release v7: The requested URL returned error: 404."), notFound.stderr());
      assertTrue(notFound.stderr().contains(" !     Tried: " + server.url(PATH)), notFound.stderr());
      assertTrue(notFound.stdout().contains(
          "-----> Using the buildpack CLI built earlier"), notFound.stdout());
      assertTrue(notFound.stdout().contains(
          "Built from source because the download of release v7's CLI failed."), notFound.stdout());
      assertTrue(notFound.stdout().contains("-----> Datomic transactor buildpack v7\n"),
          "built from release v7's very sources: its jar, shown as v7: " + notFound.stdout());
      assertEquals(1, server.count(PATH), "a 404 is not retried");
      List<String> afterMaven = cachedJars(app);
      assertEquals(1, afterMaven.size(), afterMaven.toString());
      assertTrue(afterMaven.get(0).startsWith("maven-"), afterMaven.toString());
      assertTrue(Files.isExecutable(lastBuild().resolve(".datomic/dist/bin/transactor")));

      // An untagged commit: no record, or sources that are not the release's. No download.
      Files.move(recordFile, tmp.resolve("record.json"));
      Run.Result noRecord = compile(buildpack, app);
      assertEquals(0, noRecord.exitCode(), noRecord.toString());
      assertTrue(noRecord.stdout().contains("Built from source because this checkout records no"
          + " released CLI (an untagged commit)."), noRecord.stdout());
      assertTrue(noRecord.stdout().matches("(?s).*-----> Datomic transactor buildpack"
          + " v\\d+\\+[0-9a-f]{12}\n.*"), "an untagged commit shows its hash: " + noRecord.stdout());
      Files.writeString(recordFile, recorded.replaceAll("\"sources\": \"[0-9a-f]+\"",
          "\"sources\": \"" + "0".repeat(64) + "\""));
      Run.Result otherSources = compile(buildpack, app);
      assertEquals(0, otherSources.exitCode(), otherSources.toString());
      assertTrue(otherSources.stdout().contains("Built from source because this checkout's"
          + " sources differ from release v7's (an untagged commit)."), otherSources.stdout());
      assertEquals(1, server.count(PATH), "no download for an untagged commit");
      Files.writeString(recordFile, recorded);

      // A jar whose SHA-256 differs from the record: refused, not cached, both hashes named.
      server.on(PATH, FaultyHttpServer.ok(tampered));
      Run.Result wrong = compile(buildpack, app);
      assertEquals(0, wrong.exitCode(), wrong.toString());
      assertTrue(wrong.stderr().contains("its SHA-256 is " + sha256(tampered) + ", not the "
          + sha + " this release records."), wrong.stderr());
      assertTrue(wrong.stdout().contains("-----> Using the buildpack CLI built earlier"),
          wrong.stdout());
      assertEquals(afterMaven, cachedJars(app), "nothing of the bad download kept");

      // A stall in the body, and a server that never answers: retried, then given up.
      for (FaultyHttpServer.Response stuck : List.of(
          FaultyHttpServer.stall(jar, 64 * 1024, Duration.ofSeconds(60)),
          FaultyHttpServer.ok(jar).delay(Duration.ofSeconds(60)))) {
        server.on(PATH, stuck);
        long before = server.count(PATH);
        long started = System.nanoTime();
        Run.Result stalled = compile(buildpack, app, "DATOMIC_BUILDPACK_JAR_STALL_SECONDS", "2");
        assertEquals(0, stalled.exitCode(), stalled.toString());
        assertTrue(stalled.stderr().contains("Warning: Could not download the buildpack CLI of"
            + " release v7: Operation too slow."), stalled.stderr());
        assertTrue(server.count(PATH) - before >= 2, "retried: " + server.count(PATH));
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(55).toNanos(),
            "gave up on the stall, not waited for it");
        assertEquals(afterMaven, cachedJars(app), "nothing half-downloaded kept");
      }

      // A server that drips faster than the stall rule's 1 KB/s but would take hours: the whole
      // download, retries included, has a deadline (2.5 minutes; a test shortens it), well
      // inside Heroku's 15-minute build, with time left for the Maven fallback.
      Run.Result deadline = Run.of("bash", "-c", "source lib/cli_jar.sh && echo"
          + " \"${CLI_JAR_DEADLINE_SECONDS}\"").in(Repo.root()).go();
      assertEquals("150", deadline.stdout().strip(), deadline.toString());
      server.on(PATH, FaultyHttpServer.ok(jar).throttle(4096));
      long dripStarted = System.nanoTime();
      Run.Result dripping = compile(buildpack, app, "DATOMIC_BUILDPACK_JAR_STALL_SECONDS", "2",
          "DATOMIC_BUILDPACK_JAR_DEADLINE_SECONDS", "6");
      assertEquals(0, dripping.exitCode(), dripping.toString());
      assertTrue(dripping.stderr().contains("Warning: Could not download the buildpack CLI of"
          + " release v7: it did not finish within 6 s (retries included)."), dripping.stderr());
      assertTrue(System.nanoTime() - dripStarted < Duration.ofSeconds(40).toNanos(),
          "gave up at the deadline");
      assertEquals(afterMaven, cachedJars(app), "nothing half-downloaded kept");

      // Far larger than any CLI jar, announced or not: refused at 64 MB, nothing kept.
      byte[] huge = new byte[65 << 20];
      for (FaultyHttpServer.Response big : List.of(FaultyHttpServer.ok(huge),
          FaultyHttpServer.okWithoutLength(huge))) {
        server.on(PATH, big);
        Run.Result tooBig = compile(buildpack, app);
        assertEquals(0, tooBig.exitCode(), tooBig.toString());
        assertTrue(tooBig.stderr().contains("Warning: Could not download the buildpack CLI of"
            + " release v7: it is larger than 64 MB, far more than a CLI jar."), tooBig.stderr());
        assertEquals(afterMaven, cachedJars(app), "nothing of it kept");
      }

      // A URL with credentials and a signature: neither is printed, nor in the process list
      // while it downloads (slowly, to give ps the time to look).
      String signed = server.url(PATH).replace("://", "://bot:Pw7secret@")
          + "?X-Amz-Signature=Sig7secret";
      Files.writeString(recordFile, recorded.replace(server.url(PATH), signed));
      server.on(PATH + "?X-Amz-Signature=Sig7secret", FaultyHttpServer.ok(jar).throttle(4096));
      Path out = tmp.resolve("masked.out");
      Path err = tmp.resolve("masked.err");
      Process downloading = compileRun(buildpack, app, "DATOMIC_BUILDPACK_JAR_DEADLINE_SECONDS",
          "4").start(out, err);
      int looks = 0;
      while (downloading.isAlive()) {
        String processes = Run.of("ps", "-eo", "args").go().stdout();
        assertFalse(processes.contains("Pw7secret") || processes.contains("Sig7secret"),
            processes);
        looks++;
        Thread.sleep(100);
      }
      assertTrue(looks > 10, "looked while it downloaded: " + looks);
      Run.Result masked = new Run.Result(downloading.waitFor(), Files.readString(out),
          Files.readString(err));
      assertEquals(0, masked.exitCode(), masked.toString());
      assertTrue(server.requests().stream().anyMatch(r -> r.path().endsWith("Sig7secret")
          && r.header("authorization").isPresent()), "the signed URL, with its credentials");
      String shown = server.url(PATH).replace("://", "://bot:********@") + "?...";
      assertTrue(masked.stdout().contains("From " + shown + "\n"), masked.stdout());
      assertTrue(masked.stderr().contains("Tried: " + shown + "\n"), masked.stderr());
      assertFalse(masked.all().contains("Pw7secret"), masked.toString());
      assertFalse(masked.all().contains("Sig7secret"), masked.toString());

      // A jar URL curl would read as an option, or not https: never requested.
      long requests = server.requests().size();
      for (String bad : List.of("-K/etc/passwd", "--config=/etc/passwd", "file:///etc/passwd",
          "http://example.com/datomic-buildpack.jar")) {
        Files.writeString(recordFile, recorded.replace(server.url(PATH), bad));
        Run.Result refused = compile(buildpack, app);
        assertEquals(0, refused.exitCode(), refused.toString());
        assertTrue(refused.stdout().contains("Built from source because the release record's jar"
            + " URL is not an https:// URL."), refused.stdout());
        assertFalse(refused.all().contains("/etc/passwd"), refused.toString());
      }
      assertEquals(requests, server.requests().size(), "no request");
      Files.writeString(recordFile, recorded);

      // The good jar: downloaded, verified, cached; the slug gets it; no Maven.
      server.on(PATH, FaultyHttpServer.ok(jar));
      long before = server.count(PATH);
      Run.Result good = compile(buildpack, app);
      assertEquals(0, good.exitCode(), good.toString());
      assertTrue(good.stdout().contains("-----> Downloading the buildpack CLI of release v7"),
          good.stdout());
      assertTrue(good.stdout().contains("Verified: SHA-256 " + sha), good.stdout());
      assertFalse(good.all().contains("Maven"), good.toString());
      assertTrue(good.stdout().contains("-----> Datomic transactor buildpack v7\n"),
          "a release is shown as vN, without a hash: " + good.stdout());
      assertEquals(before + 1, server.count(PATH));
      assertEquals(List.of(sha + ".jar"), cachedJars(app), "the release's jar replaced Maven's");
      assertArrayEquals(jar, Files.readAllBytes(lastBuild().resolve(".datomic/buildpack.jar")));

      // The next build uses the cached jar: no request.
      Run.Result cached = compile(buildpack, app);
      assertEquals(0, cached.exitCode(), cached.toString());
      assertTrue(cached.stdout().contains("-----> Using the buildpack CLI of release v7 (cached)"),
          cached.stdout());
      assertEquals(before + 1, server.count(PATH), "no download from the cache");
    }
  }
}
