package datomic.buildpack.heroku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.local.PostgresServer;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every build and every dyno boot starts the CLI's JVM, so what it loads is start-up time:
 * jackson-databind alone is some 600 classes on first use (its own and the JDK's it pulls in).
 * The CLI reads and writes its JSON and YAML with jackson-jr; this keeps databind, and two smaller
 * first-use costs, from creeping back onto those paths, and each start to the model of the one
 * command that runs.
 */
class StartupClassesIT {
  private static final Pattern COMMAND_CLASS =
      Pattern.compile("\\bdatomic\\.buildpack\\.cli\\.([A-Za-z]+Command) source:");

  @TempDir Path tmp;

  @Test
  void buildAndBootCommandsLoadNeitherDatabindNorFormatterNorRecordMethods() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp).withDistribution()) {
      String build = app.build().toString();
      check("compile", "compile", build, app.cache().toString(), app.env().toString());
      check("compile-warm", "compile", build, app.cache().toString(), app.env().toString());
      check("report", "report", build);
      check("config-vars", "config-vars");
      check("launch", "launch", "--app-dir", build, "--exec-plan",
          tmp.resolve("plan").toString());
      check("release-phase", "release-phase", "--app-dir", build);
      Path cgroup = DynoEnv.cgroup(tmp.resolve("cgroup"), DynoEnv.ONE_GB);
      // A real database: the peer server and create-database connect once before Datomic does.
      // Without TLS: the JDK's TLS handshake formats a string of its own (String.format), which
      // this check is not about.
      PostgresServer pg = PostgresServer.shared();
      Map<String, String> peer = Map.of("DATABASE_URL", pg.newDatabase().url(),
          "DATOMIC_SQL_SSLMODE", "disable",
          "DATOMIC_PEER_SERVER_DATABASES", "db", "DATOMIC_PEER_SERVER_ACCESS_KEY", "k",
          "DATOMIC_PEER_SERVER_SECRET", "s-0123456789abcdef", "TMPDIR", tmp.toString());
      check("peer-server", peer, "peer-server", "--app-dir", build, "--cgroup-root",
          cgroup.toString(), "--exec-plan", tmp.resolve("peer-plan").toString());
      check("create-database", peer, "create-database", "--app-dir", build, "--cgroup-root",
          cgroup.toString(), "--exec-plan", tmp.resolve("create-plan").toString(), "db");
      check("client-config", peer, "client-config");
    }
  }

  /**
   * picocli builds the model of a command by reflection, some 30 ms each: a start builds the
   * model of the command that runs, never the 17 others (they are for the full help), and
   * {@code --version} needs none.
   */
  @Test
  void aStartLoadsTheClassOfTheCommandThatRunsAlone() throws IOException {
    assertEquals(Set.of(), commandClasses(classesLoaded("version", Map.of(), "--version")));
    assertFalse(classesLoaded("version", Map.of(), "--version").contains("picocli.CommandLine "),
        "--version built a picocli model");
    assertEquals(Set.of("PeerUriCommand"),
        commandClasses(classesLoaded("peer-uri-help", Map.of(), "peer-uri", "--help")));
    assertEquals(Set.of("PeerUriCommand"), commandClasses(classesLoaded("help-peer-uri",
        Map.of(), "help", "peer-uri")));
    assertEquals(Set.of("PeerUriCommand"), commandClasses(classesLoaded("peer-uri",
        Map.of("DATABASE_URL", "postgres://u:p@127.0.0.1:5/d"), "peer-uri", "db", "--uri-only")));
  }

  /** The subcommand classes ({@code datomic.buildpack.cli.*Command}) a class-load log names. */
  private static Set<String> commandClasses(String classes) {
    Set<String> names = new TreeSet<>();
    Matcher m = COMMAND_CLASS.matcher(classes);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** Runs the packaged CLI with class loading logged; fails on a class it should not load. */
  private void check(String name, String... args) throws IOException {
    check(name, Map.of(), args);
  }

  private void check(String name, Map<String, String> env, String... args) throws IOException {
    String classes = classesLoaded(name, env, args);
    assertEquals(1, commandClasses(classes).size(),
        name + " loaded the classes of other commands: " + commandClasses(classes));
    assertTrue(classes.contains("com.fasterxml.jackson.jr."), name + " read JSON with jackson-jr");
    assertFalse(classes.contains("com.fasterxml.jackson.databind."), name + " loaded databind");
    // Two more first uses that cost 15-20 ms each: String.format's Formatter (the build log uses
    // output/Units) and a record's equals/hashCode/toString (bootstrapped via invokedynamic).
    assertFalse(classes.contains("java.util.Formatter "), name + " used String.format");
    assertFalse(classes.contains("java.lang.runtime.ObjectMethods "),
        name + " called a record's equals, hashCode or toString");
  }

  /** The class-load log of the packaged CLI run with {@code args}; it must exit 0. */
  private String classesLoaded(String name, Map<String, String> env, String... args)
      throws IOException {
    Path log = tmp.resolve(name + "-classes.log");
    List<String> command = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElse("java"),
        "-Xlog:class+load:file=" + log, "-Djava.io.tmpdir=" + Files.createDirectories(
            tmp.resolve(name + "-tmp")),
        "-jar", Repo.jar().toString()));
    command.addAll(List.of(args));
    Run.Result r = Run.of(command).env(env).go();
    assertEquals(0, r.exitCode(), name + ": " + r);
    return Files.readString(log);
  }
}
