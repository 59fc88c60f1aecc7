package datomic.buildpack.heroku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import datomic.buildpack.local.FakeDistribution;
import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Dyno;
import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The classic buildpack API, end to end: the real bin/ shims against the fixture apps. */
@Order(1) // one of the longest classes: started first (junit-platform.properties)
class BuildpackApiIT {
  @TempDir Path tmp;

  @Test
  void detectsAppsWithTransactorPropertiesOrATransactorProcess() {
    for (String app : List.of("minimal-transactor", "procfile-custom")) {
      Run.Result r = BuildFixture.of(app, tmp.resolve(app)).detect();
      assertEquals(0, r.exitCode(), app + ": " + r);
      assertEquals("Datomic", r.stdout().strip(), app);
    }
  }

  @Test
  void failedDetectExplainsWhatItLookedForAndWhatTheRootHolds() {
    Run.Result r = BuildFixture.of("not-a-transactor", tmp).detect();
    assertEquals(1, r.exitCode(), r.toString());
    assertEquals("", r.stdout());
    assertTrue(r.stderr().contains("transactor.properties"), r.stderr());
    assertTrue(r.stderr().contains("transactor:"), r.stderr());
    assertTrue(r.stderr().contains("package.json"), "lists the root: " + r.stderr());
  }

  @Test
  void compileWithAFreshAndThenAWarmCache() throws IOException {
    try (BuildFixture first = BuildFixture.of("minimal-transactor", tmp.resolve("a"))
        .withDistribution()) {
      Run.Result cold = first.compileOk();
      assertTrue(cold.stdout().contains("-----> "), cold.stdout());
      Path transactor = first.build().resolve(".datomic/dist/bin/transactor");
      assertTrue(Files.isExecutable(transactor), "bin/transactor installed and executable");
      assertTrue(Files.isRegularFile(first.build().resolve(".datomic/buildpack.jar")));
      assertTrue(Files.isRegularFile(first.build().resolve(".profile.d/datomic.sh")));
      int downloads = first.downloads();
      assertTrue(downloads >= 1, "the cold build downloaded Datomic");

      // A second build of the same app, as Heroku runs it: a new BUILD_DIR, the saved cache.
      Path secondBuild = tmp.resolve("b/build");
      BuildFixture.copyTree(datomic.buildpack.testsupport.Repo.app("minimal-transactor"),
          secondBuild);
      Run.Result warm = Run.of(datomic.buildpack.testsupport.Repo.bin("compile"),
          secondBuild.toString(), first.cache().toString(), first.env().toString()).go();
      assertEquals(0, warm.exitCode(), warm.toString());
      assertEquals(downloads, first.downloads(), "a warm build makes no request:\n" + warm);
      assertTrue(Files.isExecutable(secondBuild.resolve(".datomic/dist/bin/transactor")));
    }
  }

  /** A tmpfs of {@code size} at {@code name} below the test folder (needs root, as CI runs). */
  private Path tmpfs(String name, String size) throws IOException {
    Path at = Files.createDirectories(tmp.resolve(name));
    Run.Result mount = Run.of("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs",
        at.toString()).go();
    Assumptions.assumeTrue(mount.exitCode() == 0, "cannot mount a tmpfs here: " + mount);
    return at;
  }

  /** The minimal app with a fake distribution of {@code jars} jars of {@code bytes} each. */
  private BuildFixture appWithJars(int jars, int bytes) {
    return BuildFixture.of("minimal-transactor", tmp.resolve("a")).withDistribution(
        FakeDistribution.from(Repo.distSources()).version(BuildFixture.VERSION).jars(jars, bytes),
        "pro");
  }

  /** The real bin/compile on BUILD_DIR, CACHE_DIR and ENV_DIR. */
  private static Run.Result compile(Path build, Path cache, Path env) {
    return Run.of(Repo.bin("compile"), build.toString(), cache.toString(), env.toString()).go();
  }

  @Test
  void aFullBuildCacheDoesNotFailTheBuild() throws IOException {
    // a 3 MB file system for CACHE_DIR, a 10 MB distribution
    Path tiny = tmpfs("tiny-cache", "3m");
    try (BuildFixture app = appWithJars(20, 512 * 1024)) {
      Run.Result r = compile(app.build(), tiny, app.env());
      assertEquals(0, r.exitCode(), r.toString());
      assertTrue(r.stdout().contains("Not caching Datomic"), r.stdout());
      assertTrue(Files.isExecutable(app.build().resolve(".datomic/dist/bin/transactor")));
      try (Stream<Path> left = Files.list(tiny.resolve("datomic"))) {
        assertEquals(List.of(), left.map(p -> p.getFileName().toString())
            .filter(n -> !n.equals("index.json")).toList(), "no half-written cache entry");
      }
    } finally {
      Run.of("umount", tiny.toString()).go();
    }
  }

  /** CACHE_DIR on another file system than BUILD_DIR: no hard links there, so copies. */
  @Test
  void aCacheOnAnotherFileSystemIsCopiedNotLinked() throws IOException {
    Path other = tmpfs("other-fs-cache", "64m");
    try (BuildFixture app = appWithJars(5, 64 * 1024)) {
      Run.Result cold = compile(app.build(), other, app.env());
      assertEquals(0, cold.exitCode(), cold.toString());
      Path jar = app.build().resolve(".datomic/dist/lib/dep-0.jar");
      assertEquals(1, Files.getAttribute(jar, "unix:nlink"), "a copy, not a link");
      Path second = tmp.resolve("b/build");
      BuildFixture.copyTree(Repo.app("minimal-transactor"), second);
      Run.Result warm = compile(second, other, app.env());
      assertEquals(0, warm.exitCode(), warm.toString());
      assertTrue(warm.stdout().contains("Using cached Datomic Pro"), warm.stdout());
      Path copied = second.resolve(".datomic/dist/lib/dep-0.jar");
      assertEquals(1, Files.getAttribute(copied, "unix:nlink"), "a copy, not a link");
      assertEquals(Files.mismatch(jar, copied), -1L);
      assertTrue(Files.isExecutable(second.resolve(".datomic/dist/bin/transactor")));
    } finally {
      Run.of("umount", other.toString()).go();
    }
  }

  /**
   * A warm build whose copy from the cache fails (here: BUILD_DIR on a full file system) does not
   * end as "a bug": it downloads instead, and that failure is the clear one the user acts on.
   */
  @Test
  void aFullBuildDiskOnACacheHitFailsClearlyAndLeavesNothingBehind() throws IOException {
    try (BuildFixture app = appWithJars(20, 512 * 1024)) {
      Run.Result cold = compile(app.build(), app.cache(), app.env());
      assertEquals(0, cold.exitCode(), cold.toString());
      Path tiny = tmpfs("tiny-build", "3m"); // the app fits, the 10 MB distribution does not
      try {
        Path build = tiny.resolve("build");
        BuildFixture.copyTree(Repo.app("minimal-transactor"), build);
        Run.Result warm = compile(build, app.cache(), app.env());
        assertEquals(1, warm.exitCode(), warm.toString());
        assertTrue(warm.stdout().contains("Not using the cached Datomic Pro"), warm.stdout());
        assertTrue(warm.stderr().contains(" !     Error: Could not write Datomic into the build"),
            warm.stderr());
        assertTrue(warm.stderr().contains("If the disk is full"), warm.stderr());
        assertFalse(warm.stderr().contains("bug"), warm.stderr());
        try (Stream<Path> left = Files.list(build.resolve(".datomic"))) {
          assertEquals(List.of(), left.map(p -> p.getFileName().toString())
              .filter(n -> n.startsWith(".dist-")).toList(), "no half-written tree");
        }
      } finally {
        Run.of("umount", tiny.toString()).go();
      }
    }
  }

  @Test
  void writesAProcfileWhenTheAppHasNoneAndKeepsAnAppsOwn() throws IOException {
    try (BuildFixture minimal = BuildFixture.of("minimal-transactor", tmp.resolve("a"))
        .withDistribution()) {
      minimal.compileOk();
      Procfile written = Procfile.read(minimal.build());
      assertEquals(Procfile.LAUNCH_COMMAND, written.processes().get("transactor"));
      assertEquals(Procfile.RELEASE_COMMAND, written.processes().get("release"));
    }
    try (BuildFixture custom = BuildFixture.of("procfile-custom", tmp.resolve("b"))
        .withDistribution()) {
      String before = Files.readString(custom.build().resolve("Procfile"));
      custom.compileOk();
      assertEquals(before, Files.readString(custom.build().resolve("Procfile")));
    }
  }

  @Test
  void procfileLackingProcessesIsKeptWithAWarningSayingWhatItLacks() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp).withDistribution()) {
      Files.writeString(app.build().resolve("Procfile"), "web: echo hi\n");
      Run.Result r = app.compileOk();
      assertTrue(r.stderr().contains("no transactor: process"), r.stderr());
      assertTrue(r.stderr().contains("no release: process"), r.stderr());
      assertEquals("web: echo hi\n", Files.readString(app.build().resolve("Procfile")));
    }
  }

  @Test
  void releasePrintsYamlWithATransactorProcessType() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp).withDistribution()) {
      app.compileOk();
      Run.Result r = app.release();
      assertEquals(0, r.exitCode(), r.toString());
      JsonNode yaml = new ObjectMapper(new YAMLFactory()).readTree(r.stdout());
      assertEquals(Procfile.LAUNCH_COMMAND,
          yaml.path("default_process_types").path("transactor").asText());
      assertEquals("heroku-postgresql", yaml.path("addons").path(0).asText());
    }
  }

  @Test
  void reportGivesTheInstalledDatomicAndNeverFails() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp).withDistribution()) {
      Run.Result before = Run.of(datomic.buildpack.testsupport.Repo.bin("report"),
          app.build().toString(), app.cache().toString(), app.env().toString()).go();
      assertEquals(0, before.exitCode(), before.toString());
      assertEquals("{}", before.stdout().strip(), "nothing built yet, nothing to report");
      app.compileOk();
      Run.Result r = Run.of(datomic.buildpack.testsupport.Repo.bin("report"),
          app.build().toString(), app.cache().toString(), app.env().toString()).go();
      assertEquals(0, r.exitCode(), r.toString());
      JsonNode yaml = new ObjectMapper(new YAMLFactory()).readTree(r.stdout());
      assertEquals(BuildFixture.VERSION, yaml.path("datomic_version").asText());
      assertEquals("pro", yaml.path("datomic_edition").asText());
      assertTrue(yaml.path("datomic_sha256").asText().matches("[0-9a-f]{64}"), r.stdout());
    }
  }

  @Test
  void slugWorksAfterTheBuildFolderIsMoved() throws IOException {
    Path moved = tmp.resolve("elsewhere/app");
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("x"))
        .withDistribution()) {
      app.compileOk();
      String buildPath = app.build().toString();
      Files.createDirectories(moved.getParent());
      Files.move(app.build(), moved);
      try (Stream<Path> files = Files.walk(moved)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
          assertFalse(text.contains(buildPath), f + " refers to the build path " + buildPath);
        }
      }
    }
    try (Dyno dyno = Dyno.start(moved, "transactor", Map.of("DYNO", "transactor.1"),
        tmp.resolve("dyno"))) {
      assertTrue(dyno.awaitStarted(60), dyno.output());
      assertEquals(0, dyno.stop(), dyno.output());
    }
  }

  @Test
  void invalidConfigVarFailsTheBuildWithAMessageAndLeavesNoSlug() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp).withDistribution()) {
      app.setVar("DATOMIC_PORT", "forty");
      Run.Result r = app.compile();
      assertNotEquals(0, r.exitCode());
      assertTrue(r.stderr().contains(" !     Error: "), r.stderr());
      assertTrue(r.stderr().contains("DATOMIC_PORT=forty"), r.stderr());
      assertFalse(r.all().contains("Exception"), "no stack trace: " + r);
      assertFalse(Files.exists(app.build().resolve(".datomic")), "nothing installed");
      assertEquals(0, app.downloads(), "failed before any download");
    }
  }

  @Test
  void secretsNeverReachTheBuildLogOrTheSlug() throws IOException {
    Map<String, String> secrets = Map.of("DATOMIC_LICENSE_PASSWORD", "lic-pw-93f1c",
        "DATOMIC_TRANSACTOR_KEY", "txkey-5d2a8e", "DATOMIC_MEMCACHED_PASSWORD", "mc-pw-77aa0",
        "DATABASE_URL", "postgres://u:db-pw-12ab9@db.example.com:5432/d");
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp).withDistribution()) {
      app.setVar("DATOMIC_LICENSE_USER", "me@example.com");
      secrets.forEach(app::setVar);
      Run.Result r = app.compileOk();
      Run.Result release = app.release();
      for (String secret : List.of("lic-pw-93f1c", "txkey-5d2a8e", "mc-pw-77aa0", "db-pw-12ab9")) {
        assertFalse(r.all().contains(secret), secret + " in the build log:\n" + r);
        assertFalse(release.all().contains(secret), secret + " in the release output");
        try (Stream<Path> files = Files.walk(app.build())) {
          for (Path f : files.filter(Files::isRegularFile).toList()) {
            String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            assertFalse(text.contains(secret), secret + " left in the slug: " + f);
          }
        }
      }
    }
  }

  @Test
  void unknownConfigVarGetsAWarningWithTheClosestName() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp).withDistribution()) {
      app.setVar("DATOMIC_MEMORY_INDEX_MAXX", "256m");
      Run.Result r = app.compileOk();
      assertTrue(r.stderr().contains("Warning: DATOMIC_MEMORY_INDEX_MAXX"), r.stderr());
      assertTrue(r.stderr().contains("Did you mean DATOMIC_MEMORY_INDEX_MAX?"), r.stderr());
    }
  }
}
