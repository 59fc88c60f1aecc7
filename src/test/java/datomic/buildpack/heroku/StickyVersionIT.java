package datomic.buildpack.heroku;

import static datomic.buildpack.testsupport.FaultyHttpServer.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.compile.CacheMarker;
import datomic.buildpack.local.FakeDistribution;
import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.FaultyHttpServer;
import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reproducible Datomic versions, through the real bin/compile: without DATOMIC_VERSION a build
 * keeps the version the last build installed (recorded in the build cache), not the buildpack's
 * newest, and says so with the line that moves it. The loopback server holds several versions.
 */
class StickyVersionIT {
  static final String NEWEST = "1.0.7622"; // datomic-versions.json "default"
  static final String OLDER = "1.0.7556";

  @TempDir Path tmp;
  private FaultyHttpServer server;
  private Path cache;
  private Path env;
  private int builds;

  @BeforeEach
  void serveTwoVersions() throws IOException {
    server = new FaultyHttpServer();
    for (String v : new String[] {OLDER, NEWEST}) {
      Path zip = FakeDistribution.from(Repo.distSources()).version(v)
          .writeTo(tmp.resolve("datomic-pro-" + v + ".zip"));
      server.on(path(v), ok(Files.readAllBytes(zip)));
    }
    cache = Files.createDirectories(tmp.resolve("cache"));
    env = Files.createDirectories(tmp.resolve("env"));
    Files.writeString(env.resolve("DATOMIC_DOWNLOAD_URL"),
        server.url("/datomic/{version}/datomic-pro-{version}.zip"));
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  private static String path(String version) {
    return "/datomic/" + version + "/datomic-pro-" + version + ".zip";
  }

  /** A new build of the fixture app with the saved cache, as Heroku runs the next push. */
  private Build compile() throws IOException {
    Path build = tmp.resolve("build-" + (++builds));
    BuildFixture.copyTree(Repo.app("minimal-transactor"), build);
    Run.Result r = Run.of(Repo.bin("compile"), build.toString(), cache.toString(),
        env.toString()).go();
    assertEquals(0, r.exitCode(), r.toString());
    String installed = Files.readString(build.resolve(".datomic/build.json"))
        .replaceAll("(?s).*\"version\" : \"([0-9.]+)\".*", "$1");
    return new Build(r, installed);
  }

  record Build(Run.Result run, String installed) {}

  @Test
  void firstBuildInstallsTheNewestAndLaterBuildsKeepItWithAWarning() throws IOException {
    Build first = compile();
    assertEquals(NEWEST, first.installed());
    String warning = first.run().stderr();
    assertTrue(warning.contains("Warning: DATOMIC_VERSION is not set: installing Datomic Pro "
        + NEWEST + ", the newest version this buildpack knows."), warning);
    assertTrue(warning.contains("heroku config:set DATOMIC_VERSION=" + NEWEST), warning);

    Build second = compile();
    assertEquals(NEWEST, second.installed());
    assertTrue(second.run().stderr().contains("using Datomic Pro " + NEWEST
        + ", the same version as the last build."), second.run().stderr());
    assertFalse(second.run().stderr().contains("A newer version"), second.run().stderr());
    assertEquals(1, server.count(path(NEWEST)), "the second build used the cache");
  }

  @Test
  void aLaterBuildKeepsTheLastInstalledVersionAndSaysHowToMove() throws IOException {
    Files.writeString(env.resolve("DATOMIC_VERSION"), OLDER);
    assertEquals(OLDER, compile().installed());
    Files.delete(env.resolve("DATOMIC_VERSION"));

    Build unpinned = compile();
    assertEquals(OLDER, unpinned.installed(), "not the buildpack's newest");
    String err = unpinned.run().stderr();
    assertTrue(err.contains(" !     Warning: DATOMIC_VERSION is not set: using Datomic Pro " + OLDER
        + ", the same version as the last build."), err);
    assertTrue(err.contains("A newer version is known to this buildpack: " + NEWEST), err);
    assertTrue(err.contains(" !       heroku config:set DATOMIC_VERSION=" + NEWEST), err);
    assertEquals(0, server.count(path(NEWEST)), "the newest was never fetched");

    // A new buildpack version clears the cached trees, but not the record of the last version.
    Path marker = cache.resolve(CacheMarker.MARKER);
    Files.writeString(marker, Files.readString(marker)
        .replaceAll("\"buildpackVersion\":\"[^\"]*\"", "\"buildpackVersion\":\"0.0.1\""));
    Build afterUpdate = compile();
    assertTrue(afterUpdate.run().stdout().contains("Clearing the build cache"),
        afterUpdate.run().stdout());
    assertEquals(OLDER, afterUpdate.installed(), "a buildpack update does not move Datomic");
    assertEquals(2, server.count(path(OLDER)), "downloaded again into the cleared cache");
  }

  @Test
  void aClearedCacheMovesToTheNewestWithTheWarning() throws IOException {
    Files.writeString(env.resolve("DATOMIC_VERSION"), OLDER);
    compile();
    Files.delete(env.resolve("DATOMIC_VERSION"));
    assertEquals(OLDER, compile().installed());

    // heroku builds:cache:purge
    datomic.buildpack.files.Trees.delete(cache);
    Files.createDirectories(cache);
    Build purged = compile();
    assertEquals(NEWEST, purged.installed());
    assertTrue(purged.run().stderr().contains("DATOMIC_VERSION is not set: installing Datomic Pro "
        + NEWEST + ", the newest version this buildpack knows."), purged.run().stderr());
  }

  @Test
  void aPinnedVersionWinsAndADamagedRecordIsIgnored() throws IOException {
    Files.writeString(env.resolve("DATOMIC_VERSION"), OLDER);
    Build pinned = compile();
    assertEquals(OLDER, pinned.installed());
    assertFalse(pinned.run().stderr().contains("DATOMIC_VERSION is not set"),
        "no warning when pinned: " + pinned.run().stderr());

    Files.delete(env.resolve("DATOMIC_VERSION"));
    Files.writeString(cache.resolve("datomic-version.json"),
        "{\"edition\":\"pro\",\"version\":\"../../1.0.7556\"}");
    Build damaged = compile();
    assertEquals(NEWEST, damaged.installed(), "a record that is not a version is not used");
    assertTrue(damaged.run().stdout().contains("Ignored the record of the last build's Datomic"
        + " version"), damaged.run().stdout());
  }
}
