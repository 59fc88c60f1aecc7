package datomic.buildpack.heroku;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * bin/release prints its YAML in bash, without a JVM (the only implementation: Heroku runs it on
 * the build image), for every kind of app, failures included; its process commands are the ones
 * the CLI writes into a Procfile.
 */
class BinReleaseIT {
  private static final String PROCESS_TYPES = "default_process_types:\n"
      + "  transactor: " + Procfile.LAUNCH_COMMAND + "\n"
      + "  peer-server: " + Procfile.PEER_SERVER_COMMAND + "\n"
      + "  console: " + Procfile.CONSOLE_COMMAND + "\n";
  private static final String WITH_POSTGRES = "---\naddons:\n- heroku-postgresql\n" + PROCESS_TYPES;
  private static final String WITHOUT_ADDONS = "---\n" + PROCESS_TYPES;

  @TempDir Path tmp;

  /** bin/release with no Java anywhere, and with the machine's: the same, byte for byte. */
  private Run.Result release(String what, Path build, Map<String, String> env) {
    Path noJava = Machine.pathWithoutJava(tmp.resolve("bin-without-java"));
    Run.Result bash = Run.of(Repo.bin("release"), build.toString()).env(env)
        .env("PATH", noJava.toString()).unset("JAVA_HOME").go();
    Run.Result withJava = Run.of(Repo.bin("release"), build.toString()).env(env).go();
    assertEquals(withJava.toString(), bash.toString(), what);
    return bash;
  }

  private void assertYaml(String what, String yaml, Path build) {
    Run.Result r = release(what, build, Map.of());
    assertEquals(0, r.exitCode(), what + ": " + r);
    assertEquals(yaml, r.stdout(), what);
    assertEquals("", r.stderr(), what);
  }

  @Test
  void printsTheYamlOfEveryKindOfAppWithoutAJvm() throws IOException {
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
      assertYaml("pro", WITH_POSTGRES, pro.build());
      assertYaml("custom Procfile", WITH_POSTGRES, custom.build());
      // A query-group app attaches the transactor app's database: none of its own.
      assertYaml("query group (a peer server, no transactor)", WITHOUT_ADDONS, queryGroup.build());
      // Free keeps its data on the dyno: no database.
      assertYaml("free", WITHOUT_ADDONS, free.build());

      // Not built: an error that says what to check, plain and in a Heroku build's colours.
      Path bare = tmp.resolve("bare");
      BuildFixture.copyTree(Repo.app("minimal-transactor"), bare);
      String[] lines = {"Error: This app has no Datomic installed (.datomic/build.json is missing).",
          "The Datomic buildpack writes it during the build. Check that the buildpack is set",
          "(heroku buildpacks -a <app>) and push again."};
      Run.Result plain = release("not built", bare, Map.of());
      assertEquals(1, plain.exitCode(), plain.toString());
      assertEquals("", plain.stdout());
      assertEquals("\n !     " + String.join("\n !     ", lines) + "\n\n", plain.stderr());
      Run.Result colour = release("not built, in colour", bare, Map.of("STACK", "heroku-24"));
      assertEquals(1, colour.exitCode(), colour.toString());
      assertEquals("\n\u001b[1;31m !     " + String.join("\u001b[0m\n\u001b[1;31m !     ", lines)
          + "\u001b[0m\n\n", colour.stderr());
    }
  }
}
