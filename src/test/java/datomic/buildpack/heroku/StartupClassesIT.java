package datomic.buildpack.heroku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.DynoEnv;
import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every build and every dyno boot starts the CLI's JVM, so what it loads is start-up time:
 * jackson-databind alone is some 600 classes on first use (its own and the JDK's it pulls in).
 * The CLI reads and writes its JSON and YAML with jackson-jr; this keeps databind, and two smaller
 * first-use costs, from creeping back onto those paths.
 */
class StartupClassesIT {
  @TempDir Path tmp;

  @Test
  void buildAndBootCommandsLoadNeitherDatabindNorFormatterNorRecordMethods() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp).withDistribution()) {
      String build = app.build().toString();
      check("compile", "compile", build, app.cache().toString(), app.env().toString());
      check("compile-warm", "compile", build, app.cache().toString(), app.env().toString());
      check("release", "release", build);
      check("report", "report", build);
      check("config-vars", "config-vars");
      check("launch", "launch", "--app-dir", build, "--exec-plan",
          tmp.resolve("plan").toString());
      check("release-phase", "release-phase", "--app-dir", build);
      Path cgroup = DynoEnv.cgroup(tmp.resolve("cgroup"), DynoEnv.ONE_GB);
      Map<String, String> peer = Map.of("DATABASE_URL", "postgres://u:p@127.0.0.1:5/d",
          "DATOMIC_PEER_SERVER_DATABASES", "db", "DATOMIC_PEER_SERVER_ACCESS_KEY", "k",
          "DATOMIC_PEER_SERVER_SECRET", "s", "TMPDIR", tmp.toString());
      check("peer-server", peer, "peer-server", "--app-dir", build, "--cgroup-root",
          cgroup.toString(), "--exec-plan", tmp.resolve("peer-plan").toString());
      check("create-database", peer, "create-database", "--app-dir", build, "--cgroup-root",
          cgroup.toString(), "--exec-plan", tmp.resolve("create-plan").toString(), "db");
      check("client-config", peer, "client-config", "--app-dir", build);
    }
  }

  /** Runs the packaged CLI with class loading logged; fails on a class it should not load. */
  private void check(String name, String... args) throws IOException {
    check(name, Map.of(), args);
  }

  private void check(String name, Map<String, String> env, String... args) throws IOException {
    Path log = tmp.resolve(name + "-classes.log");
    List<String> command = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElse("java"),
        "-Xlog:class+load:file=" + log, "-Djava.io.tmpdir=" + Files.createDirectories(
            tmp.resolve(name + "-tmp")),
        "-jar", Repo.jar().toString()));
    command.addAll(List.of(args));
    Run.Result r = Run.of(command).env(env).go();
    assertEquals(0, r.exitCode(), name + ": " + r);
    String classes = Files.readString(log);
    assertTrue(classes.contains("com.fasterxml.jackson.jr."), name + " read JSON with jackson-jr");
    assertFalse(classes.contains("com.fasterxml.jackson.databind."), name + " loaded databind");
    // Two more first uses that cost 15-20 ms each: String.format's Formatter (the build log uses
    // output/Units) and a record's equals/hashCode/toString (bootstrapped via invokedynamic).
    assertFalse(classes.contains("java.util.Formatter "), name + " used String.format");
    assertFalse(classes.contains("java.lang.runtime.ObjectMethods "),
        name + " called a record's equals, hashCode or toString");
  }
}
