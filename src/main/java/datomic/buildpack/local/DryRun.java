package datomic.buildpack.local;

import datomic.buildpack.distribution.Edition;
import datomic.buildpack.distribution.VersionCatalog;
import datomic.buildpack.files.Trees;
import datomic.buildpack.heroku.Procfile;
import datomic.buildpack.output.BuildLog;
import datomic.buildpack.output.UserError;
import datomic.buildpack.transactor.TransactorProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The local end-to-end run: detect, compile and release a fixture app into temp folders the way
 * Heroku would (Datomic served from a loopback HTTP server), then start the {@code transactor}
 * process from the resulting Procfile, against a throwaway local Postgres when one can be
 * started, and stop it once it reports {@code System started}.
 */
public final class DryRun {
  private final Path buildpackDir;
  private final Path appFixture;
  private final BuildLog log = BuildLog.system();
  private final boolean keep;

  public DryRun(Path buildpackDir, Path appFixture, boolean keep) {
    this.buildpackDir = buildpackDir;
    this.appFixture = appFixture;
    this.keep = keep;
  }

  public int run() throws IOException, InterruptedException {
    Path work = Files.createTempDirectory("datomic-dry-run-");
    Path build = work.resolve("build");
    Path cache = work.resolve("cache");
    Path envDir = work.resolve("env");
    Files.createDirectories(cache);
    Files.createDirectories(envDir);
    Trees.copy(appFixture, build);

    String version = VersionCatalog.load().defaultVersion(Edition.PRO).toString();
    Path zip = FakeDistribution.from(buildpackDir.resolve("test-fixtures/datomic-dist"))
        .version(version).jars(40, 256 * 1024).writeTo(work.resolve("datomic-pro-" + version + ".zip"));
    try (LoopbackServer server = LoopbackServer.serve(
            "/" + version + "/datomic-pro-" + version + ".zip", zip);
         PostgresServer postgres = PostgresServer.startIfAvailable(log)) {
      Files.writeString(envDir.resolve("DATOMIC_VERSION"), version);
      Files.writeString(envDir.resolve("DATOMIC_DOWNLOAD_URL"), server.url());
      banner("bin/detect " + rel(work, build));
      int detect = run(List.of(bin("detect"), build.toString()), work, Map.of());
      if (detect != 0) {
        return detect;
      }
      banner("bin/compile " + rel(work, build) + " " + rel(work, cache) + " " + rel(work, envDir));
      int compile = run(List.of(bin("compile"), build.toString(), cache.toString(),
          envDir.toString()), work, Map.of());
      if (compile != 0) {
        return compile;
      }
      banner("bin/release " + rel(work, build));
      int release = run(List.of(bin("release"), build.toString()), work, Map.of());
      if (release != 0) {
        return release;
      }
      Map<String, String> dynoEnv = new TreeMap<>();
      dynoEnv.put("HOME", build.toString());
      dynoEnv.put("DYNO", "transactor.1");
      // Simulate a Standard-2X dyno's memory limit, as cgroup v2 would show it.
      Path cgroup = Files.createDirectories(work.resolve("cgroup"));
      Files.writeString(cgroup.resolve("memory.max"), Long.toString(1024L << 20));
      dynoEnv.put("DATOMIC_BUILDPACK_CGROUP_ROOT", cgroup.toString());
      if (postgres != null) {
        PostgresServer.Database db = postgres.newDatabase();
        dynoEnv.put("DATABASE_URL", db.url());
        if (!postgres.ssl()) {
          dynoEnv.put("DATOMIC_SQL_SSLMODE", "disable");
        }
        log.step("Started a throwaway PostgreSQL on 127.0.0.1:" + postgres.port()
            + " for the transactor (DATABASE_URL set as Heroku Postgres would)");
        Map<String, String> releaseEnv = new TreeMap<>(dynoEnv);
        releaseEnv.put("DYNO", "release.1");
        banner("release: " + Procfile.read(build).processes().get(Procfile.RELEASE)
            + "   (Heroku's release phase)");
        int phase = run(List.of("bash", "-c",
            Procfile.read(build).processes().get(Procfile.RELEASE)), build, releaseEnv);
        if (phase != 0) {
          return phase;
        }
      }
      String command = Procfile.read(build).processes().get(Procfile.TRANSACTOR);
      banner("transactor: " + command + "   (from the Procfile, in the app root)");
      return startTransactor(command, build, dynoEnv);
    } finally {
      if (keep) {
        log.detail("Kept the build, cache and env folders in " + work);
      } else {
        Trees.delete(work);
      }
    }
  }

  private String bin(String name) {
    return buildpackDir.resolve("bin").resolve(name).toString();
  }

  private static String rel(Path work, Path p) {
    return "$TMP/" + work.relativize(p);
  }

  private void banner(String text) {
    System.out.println();
    System.out.println("$ " + text);
    System.out.flush();
  }

  private int run(List<String> command, Path dir, Map<String, String> extraEnv)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).inheritIO();
    cleanEnvironment(pb.environment()).putAll(extraEnv);
    return pb.start().waitFor();
  }

  /**
   * Only what a Heroku build or dyno would have: nothing from the developer's shell (a
   * DATABASE_URL or DATOMIC_* var there must not reach this run).
   */
  static Map<String, String> cleanEnvironment(Map<String, String> env) {
    Map<String, String> keep = new TreeMap<>();
    for (String name : List.of("PATH", "HOME", "LANG", "TMPDIR", "JAVA_HOME", "USER")) {
      if (env.containsKey(name)) {
        keep.put(name, env.get(name));
      }
    }
    env.clear();
    env.putAll(keep);
    return env;
  }

  private int startTransactor(String command, Path appDir, Map<String, String> env)
      throws IOException, InterruptedException {
    Map<String, String> processEnv = cleanEnvironment(new TreeMap<>(System.getenv()));
    processEnv.putAll(env);
    try (TransactorProcess transactor = TransactorProcess.start(appDir, command, processEnv,
        System.out::println)) {
      TransactorProcess.Boot boot = transactor.awaitStarted(Duration.ofSeconds(60));
      if (boot != TransactorProcess.Boot.STARTED) {
        transactor.close();
        throw new UserError("The transactor did not report 'System started'"
            + (boot == TransactorProcess.Boot.TIMED_OUT ? " within 60 s." : "; it exited."),
            "Its output is above.");
      }
      log.step("Transactor is up (pid " + transactor.pid() + "); stopping it with SIGTERM");
      transactor.stop(Duration.ofSeconds(30));
    }
    log.step("Dry run complete: detect, compile, release and transactor boot all worked");
    return 0;
  }
}
