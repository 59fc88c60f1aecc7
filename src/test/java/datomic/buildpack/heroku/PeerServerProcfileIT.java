package datomic.buildpack.heroku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code peer-server} process type through the build: the emitted Procfile and bin/release
 * carry it, an app's own Procfile keeps precedence (with advice), and a Procfile with only a
 * peer server is a query-group app.
 */
class PeerServerProcfileIT {
  @TempDir Path tmp;

  @Test
  void anAppsOwnProcfileWithoutThePeerServerIsKeptWithAdviceAndReleaseOffersIt()
      throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp).withDistribution()) {
      String own = "transactor: " + Procfile.LAUNCH_COMMAND + "\nrelease: "
          + Procfile.RELEASE_COMMAND + "\n";
      Files.writeString(app.build().resolve("Procfile"), own);
      Run.Result r = app.compileOk();
      assertTrue(r.stdout().contains("It has no peer-server: process; Heroku uses this"
          + " buildpack's default (peer-server: .datomic/bin/datomic-buildpack peer-server)."),
          r.stdout());
      assertFalse(r.stderr().contains("Procfile"), "advice, not a warning: " + r.stderr());
      assertEquals(own, Files.readString(app.build().resolve("Procfile")));
      JsonNode yaml = new ObjectMapper(new YAMLFactory()).readTree(app.release().stdout());
      assertEquals(Procfile.PEER_SERVER_COMMAND,
          yaml.path("default_process_types").path("peer-server").asText());
      assertEquals(Procfile.LAUNCH_COMMAND,
          yaml.path("default_process_types").path("transactor").asText());
      assertEquals("heroku-postgresql", yaml.path("addons").path(0).asText());
    }
  }

  @Test
  void aQueryGroupAppIsDetectedBuiltAndAsksForNoPostgresOfItsOwn() throws IOException {
    try (BuildFixture app = BuildFixture.of("query-group", tmp).withDistribution()) {
      Run.Result detect = app.detect();
      assertEquals(0, detect.exitCode(), detect.toString());
      Run.Result r = app.compileOk();
      assertTrue(r.stdout().contains("a query group"), r.stdout());
      assertFalse(r.stderr().contains("no transactor: process"), r.stderr());
      assertEquals("peer-server: " + Procfile.PEER_SERVER_COMMAND + "\n",
          Files.readString(app.build().resolve("Procfile")));
      assertTrue(Files.isRegularFile(
          app.build().resolve(".datomic/clj/datomic_buildpack/peer_server.clj")));
      Run.Result release = app.release();
      assertEquals(0, release.exitCode(), release.toString());
      JsonNode yaml = new ObjectMapper(new YAMLFactory()).readTree(release.stdout());
      assertTrue(yaml.path("addons").isMissingNode(),
          "its storage is the transactor app's database, attached: " + release.stdout());
    }
  }
}
