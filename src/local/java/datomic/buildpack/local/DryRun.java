package datomic.buildpack.local;

import datomic.buildpack.catalog.Edition;
import datomic.buildpack.catalog.VersionCatalog;
import datomic.buildpack.files.Trees;
import datomic.buildpack.heroku.Procfile;
import datomic.buildpack.heroku.ProcfileProcess;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.UserError;
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
 * started, then the {@code peer-server} process next to it (Datomic's {@code bin/run} is the fake
 * distribution's stand-in), and stop both once they report they are up.
 */
public final class DryRun {
  private final Path buildpackDir;
  private final Path appFixture;
  private final Log log = Log.system();
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
      // The dyno's /tmp (its private runtime folders), deleted with the rest of the run.
      dynoEnv.put("TMPDIR", Files.createDirectories(work.resolve("tmp")).toString());
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
      ProcfileProcess transactor = start("transactor", command, build, dynoEnv,
          ProcfileProcess.TRANSACTOR_READY);
      String peerCommand = Procfile.read(build).processes().get(Procfile.PEER_SERVER);
      ProcfileProcess peerServer = null;
      try {
        if (postgres == null) {
          log.step("Skipping the peer-server process: it needs Postgres (shared storage)");
        } else if (peerCommand != null) {
          Map<String, String> peerEnv = new TreeMap<>(dynoEnv);
          peerEnv.put("DYNO", "peer-server.1");
          peerEnv.put("DATOMIC_PEER_SERVER_DATABASES", "dry-run-db");
          peerEnv.put("DATOMIC_PEER_SERVER_ACCESS_KEY", "dry-run-key");
          peerEnv.put("DATOMIC_PEER_SERVER_SECRET", PostgresServer.randomToken());
          banner("peer-server: " + peerCommand + "   (from the Procfile; Datomic's bin/run is"
              + " the fake distribution's stand-in)");
          peerServer = start("peer-server", peerCommand, build, peerEnv, "Serving ");
        }
      } finally {
        if (peerServer != null) {
          stop("peer-server", peerServer);
        }
        stop("transactor", transactor);
      }
      log.step("Dry run complete: detect, compile, release, transactor"
          + (peerServer != null ? " and peer server" : "") + " boot all worked");
      return 0;
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

  /** Starts a Procfile command as a dyno would and waits for its line starting {@code ready}. */
  private ProcfileProcess start(String name, String command, Path appDir, Map<String, String> env,
      String ready) throws IOException, InterruptedException {
    Map<String, String> processEnv = cleanEnvironment(new TreeMap<>(System.getenv()));
    processEnv.putAll(env);
    ProcfileProcess process = ProcfileProcess.start(appDir, command, processEnv,
        System.out::println, ready);
    ProcfileProcess.Boot boot = process.awaitReady(Duration.ofSeconds(60));
    if (boot != ProcfileProcess.Boot.STARTED) {
      process.close();
      throw new UserError("The " + name + " did not report '" + ready.strip() + "'"
          + (boot == ProcfileProcess.Boot.TIMED_OUT ? " within 60 s." : "; it exited."),
          "Its output is above.");
    }
    log.step("The " + name + " is up (pid " + process.pid() + ")");
    return process;
  }

  private void stop(String name, ProcfileProcess process) throws InterruptedException {
    log.step("Stopping the " + name + " with SIGTERM");
    process.stop(Duration.ofSeconds(30));
  }
}
