package datomic.buildpack.heroku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import datomic.buildpack.compile.BuildData;
import datomic.buildpack.compile.CacheMarker;
import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Machine;
import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/report after real builds, good and broken: step durations, cache status and why, the
 * failure's category, the installed Datomic; and never a failed report, whatever it is given.
 */
class BuildReportIT {
  @TempDir Path tmp;

  private static Run.Result report(Path build, Path cache, Path env) {
    return Run.of(Repo.bin("report"), build.toString(), cache.toString(), env.toString()).go();
  }

  private static JsonNode yaml(Run.Result r) throws IOException {
    assertEquals(0, r.exitCode(), "bin/report never fails: " + r);
    return new ObjectMapper(new YAMLFactory()).readTree(r.stdout());
  }

  @Test
  void aGoodBuildReportsItsStepsCacheAndDatomic() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("a"))
        .withDistribution()) {
      app.compileOk();
      JsonNode cold = yaml(report(app.build(), app.cache(), app.env()));
      assertEquals("success", cold.path("build_outcome").asText(), cold.toString());
      for (String step : List.of("jdk", "cli", "config", "datomic", "launcher", "slug", "total")) {
        JsonNode d = cold.path(step + "_duration");
        assertTrue(d.isNumber() && d.asDouble() >= 0, step + "_duration in " + cold);
      }
      assertTrue(cold.path("total_duration").asDouble()
          >= cold.path("datomic_duration").asDouble(), cold.toString());
      assertEquals("miss", cold.path("cache_status").asText(), cold.toString());
      assertEquals("not in the build cache yet", cold.path("cache_reason").asText());
      assertEquals(BuildFixture.VERSION, cold.path("datomic_version").asText());
      assertEquals("pro", cold.path("datomic_edition").asText());
      assertTrue(cold.path("datomic_sha256").asText().matches("[0-9a-f]{64}"), cold.toString());
      assertEquals("machine", cold.path("jdk_installed_by").asText(), cold.toString());
      assertTrue(cold.path("slug_datomic_bytes").asLong() > 0, cold.toString());
      assertFalse(cold.has("failure_category"), cold.toString());
      assertFalse(cold.has("cli_jar") || cold.has("cli_java"), "plumbing stays out: " + cold);

      Path again = tmp.resolve("b/build");
      BuildFixture.copyTree(Repo.app("minimal-transactor"), again);
      assertEquals(0, Run.of(Repo.bin("compile"), again.toString(), app.cache().toString(),
          app.env().toString()).go().exitCode());
      JsonNode warm = yaml(report(again, app.cache(), app.env()));
      assertEquals("hit", warm.path("cache_status").asText(), warm.toString());

      Path marker = app.cache().resolve(CacheMarker.MARKER);
      Files.writeString(marker, Files.readString(marker)
          .replaceAll("\"stack\":[^,]*", "\"stack\":\"heroku-20\""));
      Path third = tmp.resolve("c/build");
      BuildFixture.copyTree(Repo.app("minimal-transactor"), third);
      assertEquals(0, Run.of(Repo.bin("compile"), third.toString(), app.cache().toString(),
          app.env().toString()).go().exitCode());
      JsonNode cleared = yaml(report(third, app.cache(), app.env()));
      assertEquals("cleared", cleared.path("cache_status").asText(), cleared.toString());
      assertTrue(cleared.path("cache_reason").asText().contains("the stack changed from heroku-20"),
          cleared.toString());
    }
  }

  @Test
  void aFailedBuildReportsTheFailuresCategory() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("a"))
        .withDistribution()) {
      app.setVar("DATOMIC_PORT", "forty");
      assertEquals(1, app.compile().exitCode());
      JsonNode config = yaml(report(app.build(), app.cache(), app.env()));
      assertEquals("failure", config.path("build_outcome").asText(), config.toString());
      assertEquals("config", config.path("failure_step").asText());
      assertEquals("config::user-error", config.path("failure_category").asText());
      assertFalse(config.toString().contains("forty"), "no user value in the report: " + config);

      app.setVar("DATOMIC_PORT", "4334");
      app.setVar("DATOMIC_DOWNLOAD_URL",
          Files.readString(app.env().resolve("DATOMIC_DOWNLOAD_URL")) + ".missing"); // a 404
      assertEquals(1, app.compile().exitCode());
      JsonNode download = yaml(report(app.build(), app.cache(), app.env()));
      assertEquals("datomic::download-not-found", download.path("failure_category").asText(),
          download.toString());
      assertTrue(download.path("config_duration").isNumber(), download.toString());
    }
  }

  @Test
  void aBuildThatFailedBeforeAnyJvmIsReportedWithoutOne() throws IOException {
    Path buildpack = Machine.buildpackCheckout(tmp.resolve("buildpack"));
    Path noJava = Machine.pathWithoutJava(tmp.resolve("bin"));
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("app"))) {
      app.setVar("JVM_COMMON_BUILDPACK", tmp.resolve("missing.tgz").toUri().toString());
      Run.Result compile = Run.of(buildpack.resolve("bin/compile").toString(),
          app.build().toString(), app.cache().toString(), app.env().toString())
          .env("PATH", noJava.toString()).unset("JAVA_HOME").env("STACK", "heroku-24").go();
      assertEquals(1, compile.exitCode(), compile.toString());
      Run.Result r = Run.of(buildpack.resolve("bin/report").toString(), app.build().toString(),
          app.cache().toString(), app.env().toString())
          .env("PATH", noJava.toString()).unset("JAVA_HOME").go();
      JsonNode report = yaml(r);
      assertEquals("failure", report.path("build_outcome").asText(), r.toString());
      assertEquals("jdk::failed", report.path("failure_category").asText(), r.toString());
    }
  }

  @Test
  void brokenInputsNeverFailTheReport() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("a"))
        .withDistribution()) {
      // nothing built yet, no cache folder at all
      JsonNode none = yaml(report(app.build(), tmp.resolve("no-such-cache"), app.env()));
      assertTrue(none.isEmpty(), none.toString());

      app.compileOk();
      Path data = app.cache().resolve(BuildData.FILE);
      // damaged build data: binary junk, lines without '=', steps without times
      Files.write(data, new byte[] {(byte) 0xff, (byte) 0xfe, 0, '\n', '=', '\n'});
      Files.writeString(data, "step=jdk\nstep=@@\nnonsense\nfinished=soon\nexit_status=0\n",
          StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
      JsonNode junk = yaml(report(app.build(), app.cache(), app.env()));
      assertEquals(BuildFixture.VERSION, junk.path("datomic_version").asText(),
          "the slug's build.json still says what was installed: " + junk);

      // the recorded CLI jar is not a jar, and the slug's is gone
      Files.writeString(data, "cli_jar=" + tmp.resolve("not-a-jar") + "\n");
      Files.writeString(tmp.resolve("not-a-jar"), "junk");
      Files.writeString(app.build().resolve(".datomic/buildpack.jar"), "junk");
      Run.Result broken = report(app.build(), app.cache(), app.env());
      assertEquals(0, broken.exitCode(), broken.toString());
      assertEquals("{}", broken.stdout().strip(), broken.toString());

      // an unreadable build data file (a folder where the file should be)
      Files.delete(data);
      Files.createDirectories(data);
      assertEquals(0, report(app.build(), app.cache(), app.env()).exitCode());
    }
  }
}
