package datomic.buildpack.heroku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.FaultyHttpServer;
import datomic.buildpack.testsupport.Locks;
import datomic.buildpack.testsupport.Machine;
import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The shell's own download, Heroku's JVM buildpack on a build image without a JVM, holds to the
 * same rules as the Datomic download: bounded in time, its URL's password never printed.
 */
class JdkBootstrapDownloadIT {
  @TempDir Path tmp;

  private Run compileOnABareImage(BuildFixture app) {
    Path noJava = Machine.pathWithoutJava(tmp.resolve("bin"));
    return Run.of(Repo.bin("compile"), app.build().toString(), app.cache().toString(),
        app.env().toString()).env("PATH", noJava.toString()).unset("JAVA_HOME")
        .env("STACK", "heroku-24");
  }

  /** One byte every half second: curl's stall rule ends it, and the retries are bounded. */
  @Test
  @ResourceLock(Locks.WALL_CLOCK)
  void aDrippingServerFailsTheBuildInBoundedTime() throws IOException {
    try (FaultyHttpServer server = new FaultyHttpServer();
        BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("a"))) {
      server.on("/jvm.tgz", FaultyHttpServer.drip(new byte[100_000], Duration.ofMillis(500)));
      app.setVar("JVM_COMMON_BUILDPACK", server.url("/jvm.tgz"));
      long start = System.nanoTime();
      Run.Result r = compileOnABareImage(app).env("DATOMIC_BUILDPACK_STALL_SECONDS", "2")
          .timeout(90).go();
      double took = (System.nanoTime() - start) / 1e9;
      assertEquals(1, r.exitCode(), r.toString());
      assertTrue(r.stderr().contains("Error: Could not download Heroku's JVM buildpack."),
          r.toString());
      assertTrue(took < 45, took + " s");
      assertTrue(server.count("/jvm.tgz") >= 2, "retried: " + server.count("/jvm.tgz"));
    }
  }

  /**
   * 8 KB/s, above the stall rule, for a tarball that would take hours: the whole download,
   * retries included, has a deadline (two minutes; the test shortens it). Its URL's password is
   * never in the process list meanwhile.
   */
  @Test
  void aSlowServerFailsTheBuildAtTheDeadlineWithItsPasswordOutOfTheProcessList()
      throws Exception {
    try (FaultyHttpServer server = new FaultyHttpServer();
        BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("a"))) {
      // A real tarball (of 10 MB that do not compress), so that tar reads on until it ends.
      Path big = Files.createDirectories(tmp.resolve("jvm")).resolve("big");
      byte[] random = new byte[10_000_000];
      new java.util.Random(7).nextBytes(random);
      Files.write(big, random);
      Path tarball = tmp.resolve("jvm.tgz");
      assertEquals(0, Run.of("tar", "czf", tarball.toString(), "-C", tmp.toString(), "jvm").go()
          .exitCode());
      server.on("/jvm.tgz",
          FaultyHttpServer.okWithoutLength(Files.readAllBytes(tarball)).throttle(8192));
      app.setVar("JVM_COMMON_BUILDPACK",
          server.url("/jvm.tgz").replace("://", "://me:Pq9secret@"));
      Path out = tmp.resolve("out");
      Path err = tmp.resolve("err");
      long start = System.nanoTime();
      Process compile = compileOnABareImage(app).env("DATOMIC_BUILDPACK_STALL_SECONDS", "2")
          .env("DATOMIC_BUILDPACK_JVM_DEADLINE_SECONDS", "5").start(out, err);
      while (compile.isAlive() && System.nanoTime() - start < Duration.ofSeconds(90).toNanos()) {
        String processes = Run.of("ps", "-eo", "args").go().stdout();
        assertFalse(processes.contains("Pq9secret"), processes);
        Thread.sleep(100);
      }
      double took = (System.nanoTime() - start) / 1e9;
      compile.destroyForcibly();
      Run.Result r = new Run.Result(compile.waitFor(), Files.readString(out),
          Files.readString(err));
      assertEquals(1, r.exitCode(), r.toString());
      assertTrue(r.stderr().contains("Error: Could not download Heroku's JVM buildpack."),
          r.toString());
      assertTrue(took < 30, took + " s");
      assertEquals(1, server.count("/jvm.tgz"), "the deadline stopped the first try");
      assertTrue(server.requests().get(0).header("authorization").isPresent(), "credentials sent");
    }
  }

  @Test
  void thePasswordInItsUrlIsNeverPrinted() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("a"))) {
      for (String password : new String[] {"Lq1 Rq1", "Lq2#Rq2", "Lq3?Rq3", "Lq4@Rq4"}) {
        app.setVar("JVM_COMMON_BUILDPACK", "http://me:" + password + "@127.0.0.1:9/jvm.tgz");
        Run.Result r = compileOnABareImage(app).timeout(120).go();
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("From http://me:********@127.0.0.1:9/jvm.tgz"),
            r.toString());
        assertTrue(r.stderr().contains("Tried: http://me:********@127.0.0.1:9/jvm.tgz"),
            r.toString());
        for (String half : password.split("[ #?@]")) {
          assertFalse(r.all().contains(half), half + " printed:\n" + r);
        }
      }
    }
  }
}
