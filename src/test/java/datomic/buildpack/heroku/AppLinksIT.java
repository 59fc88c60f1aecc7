package datomic.buildpack.heroku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Dyno;
import datomic.buildpack.testsupport.DynoEnv;
import datomic.buildpack.testsupport.Machine;
import datomic.buildpack.testsupport.Outside;
import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Links an app commits where the buildpack writes or reads (issue 12, item 6): the real
 * bin/compile (and a dyno's boot) on fixture apps holding them. Whatever happens, nothing outside
 * the build and cache folders changes: the links' targets are compared before and after.
 */
class AppLinksIT {
  @TempDir Path tmp;
  Outside outside;
  Map<String, String> before;

  @BeforeEach
  void outsideTheBuild() {
    outside = Outside.at(tmp.resolve("outside"));
    before = outside.snapshot();
  }

  private BuildFixture app() {
    return BuildFixture.of("minimal-transactor", tmp.resolve("app")).withDistribution();
  }

  private void assertRefused(Run.Result r, String... parts) {
    assertEquals(1, r.exitCode(), r.toString());
    assertTrue(r.stderr().contains(" !     Error: "), r.stderr());
    for (String part : parts) {
      assertTrue(r.stderr().contains(part), "'" + part + "' in:\n" + r.stderr());
    }
    assertFalse(r.all().contains("Exception"), r.toString());
    assertFalse(r.all().contains("unexpectedly"), r.toString());
  }

  private void assertOutsideUntouched() {
    assertEquals(before, outside.snapshot(), "nothing outside the build changed");
  }

  @Test
  void aDatomicLinkIsRefusedBeforeAnythingIsDownloaded() throws IOException {
    try (BuildFixture app = app()) {
      Files.createSymbolicLink(app.build().resolve(".datomic"), outside.folder());
      Run.Result r = app.compile();
      assertRefused(r, ".datomic in the app is a link (to " + outside.folder() + ")",
          "git rm .datomic");
      assertEquals(0, app.downloads(), "refused before the download");
      assertTrue(Files.isSymbolicLink(app.build().resolve(".datomic")), "the app's link is kept");
    }
    assertOutsideUntouched();
  }

  @Test
  void aLinkedFolderInsideACommittedDatomicFolderIsRefused() throws IOException {
    for (String linked : new String[] {".datomic/dist", ".datomic/bin"}) {
      try (BuildFixture app = BuildFixture.of("minimal-transactor",
          tmp.resolve(linked.replace('/', '-'))).withDistribution()) {
        Files.createDirectories(app.build().resolve(".datomic"));
        Files.createSymbolicLink(app.build().resolve(linked), outside.folder());
        assertRefused(app.compile(), linked + " in the app is a link");
      }
    }
    assertOutsideUntouched();
  }

  @Test
  void aDanglingProcfileLinkIsRefusedAndNothingAppearsAtItsTarget() throws IOException {
    try (BuildFixture app = app()) {
      Files.createSymbolicLink(app.build().resolve("Procfile"), outside.missing("Procfile"));
      Run.Result r = app.compile();
      assertRefused(r, "Procfile in the app is a link to nothing");
      assertFalse(Files.exists(outside.missing("Procfile"), LinkOption.NOFOLLOW_LINKS));
    }
    assertOutsideUntouched();
  }

  @Test
  void aProcfileLinkLeavingTheAppIsRefused() throws IOException {
    try (BuildFixture app = app()) {
      Files.createSymbolicLink(app.build().resolve("Procfile"), outside.precious());
      assertRefused(app.compile(), "Procfile in the app is a link to " + outside.precious()
          + ", outside the app");
    }
    assertOutsideUntouched();
  }

  @Test
  void aProfileDLinkIsRefused() throws IOException {
    try (BuildFixture app = app()) {
      Files.createSymbolicLink(app.build().resolve(".profile.d"), outside.folder());
      assertRefused(app.compile(), ".profile.d in the app is a link", "git rm .profile.d");
    }
    assertOutsideUntouched();
  }

  @Test
  void linksInPlaceOfTheBuildpacksOwnFilesAreReplacedNotWrittenThrough() throws IOException {
    try (BuildFixture app = app()) {
      Path build = app.build();
      Files.createDirectories(build.resolve(".datomic/bin"));
      Files.createDirectories(build.resolve(".profile.d"));
      String[] owned = {".datomic/buildpack.jar", ".datomic/build.json", ".datomic/logback.xml",
          ".datomic/bin/datomic-buildpack", ".profile.d/datomic.sh"};
      for (String name : owned) {
        Files.createSymbolicLink(build.resolve(name), outside.precious());
      }
      app.compileOk();
      for (String name : owned) {
        assertTrue(Files.isRegularFile(build.resolve(name), LinkOption.NOFOLLOW_LINKS), name);
      }
      assertTrue(Files.readString(build.resolve(".datomic/build.json")).contains("\"version\""));
    }
    assertOutsideUntouched();
  }

  @Test
  void transactorPropertiesLeavingTheAppIsRefusedAtBuildAndAtBoot() throws IOException {
    try (BuildFixture app = app()) {
      Path props = app.build().resolve("transactor.properties");
      Files.delete(props);
      Files.createSymbolicLink(props, outside.secret());
      Run.Result r = app.compile();
      assertRefused(r, "transactor.properties in the app is a link to " + outside.secret()
          + ", outside the app", "cp --remove-destination");
      assertFalse(r.all().contains("outside-secret"), r.toString());

      // A slug built before the link was committed (or a link added on a dyno) fails at boot.
      Files.delete(props);
      Files.writeString(props, "");
      app.compileOk();
      Files.delete(props);
      Files.createSymbolicLink(props, outside.secret());
      try (Dyno dyno = Dyno.start(app.build(), "transactor",
          DynoEnv.of("transactor.1", tmp.resolve("cgroup"), DynoEnv.ONE_GB), tmp.resolve("dyno"))) {
        assertEquals(1, dyno.awaitExit(60), dyno.output());
        assertTrue(dyno.stderr().contains("transactor.properties in the app is a link to "
            + outside.secret()), dyno.output());
        assertFalse(dyno.output().contains("outside-secret"), dyno.output());
      }
    }
    assertOutsideUntouched();
  }

  @Test
  void linksThatStayInsideTheAppAreReadAndKept() throws IOException {
    try (BuildFixture app = app()) {
      Path build = app.build();
      Files.createDirectories(build.resolve("config"));
      Files.move(build.resolve("transactor.properties"),
          build.resolve("config/transactor.properties"));
      Files.createSymbolicLink(build.resolve("transactor.properties"),
          Path.of("config/transactor.properties"));
      Files.writeString(build.resolve("config/Procfile"), "transactor: "
          + Procfile.LAUNCH_COMMAND + "\nrelease: " + Procfile.RELEASE_COMMAND + "\n");
      Files.createSymbolicLink(build.resolve("Procfile"), Path.of("config/Procfile"));
      Run.Result r = app.compileOk();
      assertTrue(r.stdout().contains("Using the app's own Procfile."), r.stdout());
      assertTrue(Files.isSymbolicLink(build.resolve("Procfile")), "the app's link is kept");
      assertEquals(0, app.detect().exitCode());
    }
    assertOutsideUntouched();
  }

  /** A buildpack checkout with the CLI jar and the JVM buildpack stand-in, on a JVM-less image. */
  private Run bootstrapCompile(BuildFixture app) throws IOException {
    Path buildpack = tmp.resolve("buildpack");
    if (!Files.exists(buildpack)) {
      Machine.buildpackCheckout(buildpack);
      Files.createDirectories(buildpack.resolve("target"));
      Files.copy(Repo.jar(),
          buildpack.resolve("target/datomic-buildpack.jar"));
      Run.Result tar = Run.of("tar", "czf", tmp.resolve("jvm.tgz").toString(), "-C",
          Repo.root().resolve("test-fixtures").toString(), "jvm-common").go();
      assertEquals(0, tar.exitCode(), tar.toString());
    }
    app.setVar("JVM_COMMON_BUILDPACK", tmp.resolve("jvm.tgz").toUri().toString());
    return Run.of(buildpack.resolve("bin/compile").toString(), app.build().toString(),
            app.cache().toString(), app.env().toString())
        .env("PATH", Machine.pathWithoutJava(tmp.resolve("no-java")).toString())
        .unset("JAVA_HOME").env("STACK", "heroku-24")
        .env("TEST_JDK_HOME", Machine.jdkHome().toString());
  }

  @Test
  void theJdkBootstrapRefusesLinksItWouldWriteOrReadThrough() throws IOException {
    String[][] cases = {
        {".jdk", "folder", ".jdk in the app is a link"},
        {".profile.d", "folder", ".profile.d in the app is a link"},
        {".profile.d/jvmcommon.sh", "precious", ".profile.d/jvmcommon.sh in the app is a link to"},
        {"system.properties", "precious", "system.properties in the app is a link to"},
        {"system.properties", "missing", "system.properties in the app is a link to"},
    };
    int n = 0;
    for (String[] c : cases) {
      try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("b" + n++))
          .withDistribution()) {
        Path link = app.build().resolve(c[0]);
        Files.createDirectories(link.getParent());
        Path target = switch (c[1]) {
          case "folder" -> outside.folder();
          case "precious" -> outside.precious();
          default -> outside.missing("system.properties");
        };
        Files.createSymbolicLink(link, target);
        Run.Result r = bootstrapCompile(app).go();
        assertRefused(r, c[2]);
        assertFalse(r.stdout().contains("Installing a JDK"), "refused before the download");
      }
      assertOutsideUntouched();
    }
  }

  @Test
  void aSystemPropertiesLinkInsideTheAppIsReadAndPutBackUnchanged() throws IOException {
    try (BuildFixture app = app()) {
      Path build = app.build();
      Files.createDirectories(build.resolve("config"));
      String own = "# the app's own\nsome.setting=1\n";
      Files.writeString(build.resolve("config/system.properties"), own);
      Path link = build.resolve("system.properties");
      Files.createSymbolicLink(link, Path.of("config/system.properties"));
      Run.Result r = bootstrapCompile(app).go();
      assertEquals(0, r.exitCode(), r.toString());
      assertEquals("17", Files.readString(build.resolve(".jdk-requested-version")).strip(),
          "the JVM buildpack saw the app's lines and the buildpack's Java version");
      assertTrue(Files.isSymbolicLink(link), "still the app's link");
      assertEquals(Path.of("config/system.properties"), Files.readSymbolicLink(link));
      assertEquals(own, Files.readString(build.resolve("config/system.properties")),
          "nothing was written through the link");
    }
    assertOutsideUntouched();
  }
}
