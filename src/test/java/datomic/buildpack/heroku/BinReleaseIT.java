package datomic.buildpack.heroku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.local.FakeDistribution;
import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Machine;
import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/release prints its YAML in bash, without a JVM: byte for byte what the CLI's release
 * command prints, for every kind of app, failures included.
 */
class BinReleaseIT {
  @TempDir Path tmp;

  /** bin/release with no Java anywhere, and the CLI's release command, on the same app. */
  private void assertSameAsTheCli(String what, Path build, Map<String, String> env) {
    Path noJava = Machine.pathWithoutJava(tmp.resolve("bin-without-java"));
    Run.Result bash = Run.of(Repo.bin("release"), build.toString()).env(env)
        .env("PATH", noJava.toString()).unset("JAVA_HOME").go();
    Run.Result cli = Run.of(Machine.jdkHome().resolve("bin/java").toString(), "-jar",
        Repo.jar().toString(), "release",
        build.toString()).env(env).go();
    assertEquals(cli.exitCode(), bash.exitCode(), what + "\nbash: " + bash + "\ncli: " + cli);
    assertEquals(cli.stdout(), bash.stdout(), what);
    assertEquals(cli.stderr(), bash.stderr(), what);
  }

  @Test
  void bashPrintsWhatTheCliPrints() throws IOException {
    try (BuildFixture pro = BuildFixture.of("minimal-transactor", tmp.resolve("pro"))
        .withDistribution();
        BuildFixture custom = BuildFixture.of("procfile-custom", tmp.resolve("custom"))
            .withDistribution();
        BuildFixture queryGroup = BuildFixture.of("query-group", tmp.resolve("query-group"))
            .withDistribution();
        BuildFixture free = BuildFixture.of("minimal-transactor", tmp.resolve("free"))
            .withDistribution(FakeDistribution.from(Repo.distSources()).edition("free")
                .version("0.9.5703"), "free")) {
      free.setVar("DATOMIC_VERSION", "0.9.5703");
      for (BuildFixture app : new BuildFixture[] {pro, custom, queryGroup, free}) {
        app.compileOk();
      }
      assertSameAsTheCli("pro", pro.build(), Map.of());
      assertSameAsTheCli("custom Procfile", custom.build(), Map.of());
      assertSameAsTheCli("query group (a peer server, no transactor)", queryGroup.build(),
          Map.of());
      assertSameAsTheCli("free", free.build(), Map.of());
      Run.Result yaml = Run.of(Repo.bin("release"), pro.build().toString()).go();
      assertEquals("---\naddons:\n- heroku-postgresql\ndefault_process_types:\n"
          + "  transactor: .datomic/bin/datomic-buildpack launch\n"
          + "  peer-server: .datomic/bin/datomic-buildpack peer-server\n"
          + "  console: .datomic/bin/datomic-buildpack console\n", yaml.stdout());
      assertTrue(!Run.of(Repo.bin("release"), free.build().toString()).go().stdout()
          .contains("addons"), "Free keeps its data on the dyno: no database");

      // Not built: the same error, plain and in a Heroku build's colours.
      Path bare = tmp.resolve("bare");
      BuildFixture.copyTree(Repo.app("minimal-transactor"), bare);
      assertSameAsTheCli("not built", bare, Map.of());
      assertSameAsTheCli("not built, in colour", bare, Map.of("STACK", "heroku-24"));
    }
  }
}
