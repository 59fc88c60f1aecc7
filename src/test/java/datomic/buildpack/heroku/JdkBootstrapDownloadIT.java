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
