package datomic.buildpack.heroku;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.dyno.BootContext;
import datomic.buildpack.dyno.release.ReleaseChecks;
import datomic.buildpack.dyno.transactor.StorageSelector;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.Secrets;
import datomic.buildpack.output.Units;
import datomic.buildpack.output.UserError;
import datomic.buildpack.slug.BuildInfo;
import datomic.buildpack.slug.SlugLayout;
import datomic.buildpack.storage.KvsBootstrap;
import datomic.buildpack.storage.PostgresUrl;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Heroku CI's {@code bin/test} for a compiled transactor app: checks every config var, prepares
 * the CI run's database ({@code datomic_kvs}, as the release phase does), boots the transactor
 * from the slug the way its dyno would, waits a bounded time for {@code System started} and stops
 * it. Each check prints a line in the Test Anything Protocol ({@code ok 1 - ...} /
 * {@code not ok 1 - ...}), which Heroku CI reads, then a plain summary; the verdict is the exit
 * code (0 when every check passed).
 */
public final class CiChecks {
  private static final int CHECKS = 3;

  private final SlugLayout slug;
  private final Environment env;
  private final Map<String, String> processEnv;
  private final Duration bootTimeout;
  private final Log log;
  private final PrintStream out;
  private final ConfigRegistry registry = ConfigRegistry.load();
  private final Secrets secrets;
  private final List<String> failed = new ArrayList<>();
  private int number;

  /**
   * @param env the config vars (the test dyno's environment with ENV_DIR's entries)
   * @param processEnv the same as a process environment, for the transactor
   */
  public CiChecks(SlugLayout slug, Environment env, Map<String, String> processEnv,
      Duration bootTimeout, Log log) {
    this.slug = slug;
    this.env = env;
    this.processEnv = processEnv;
    this.bootTimeout = bootTimeout;
    this.log = log;
    this.out = log.out();
    this.secrets = registry.secrets(env);
  }

  /** Runs the checks; the exit code (0: all passed, 1: any failed). */
  public int run() throws InterruptedException {
    log.step("Datomic CI checks (Heroku CI bin/test)");
    out.println("1.." + CHECKS);
    boolean configOk = check("config vars", this::configVars);
    if (configOk) {
      check("database", this::database);
      check("transactor boot", this::boot);
    } else {
      notRun("database");
      notRun("transactor boot");
    }
    int passed = CHECKS - failed.size();
    if (failed.isEmpty()) {
      log.step("Datomic CI: all " + CHECKS + " checks passed");
      return 0;
    }
    log.error("Datomic CI: " + failed.size() + " of " + CHECKS + " checks failed: "
        + String.join(", ", failed) + " (" + passed + " passed).",
        List.of("The messages above say why and what to do."));
    return 1;
  }

  /** One check: it returns what passed, or throws a UserError saying why not. */
  private interface Check {
    String run() throws Exception;
  }

  private boolean check(String name, Check check) throws InterruptedException {
    number++;
    try {
      String passed = check.run();
      out.println("ok " + number + " - " + name + ": " + secrets.mask(passed));
      out.flush();
      return true;
    } catch (InterruptedException e) {
      throw e;
    } catch (UserError e) {
      log.error(e);
      fail(name, e.summary());
    } catch (Exception e) {
      log.error("The " + name + " check failed unexpectedly.",
          List.of(secrets.mask(String.valueOf(e)),
              "This is a bug in the buildpack; please report it with this log."));
      fail(name, "failed unexpectedly");
    }
    return false;
  }

  private void fail(String name, String why) {
    failed.add(name);
    out.println("not ok " + number + " - " + name + ": " + secrets.mask(why));
    out.flush();
  }

  private void notRun(String name) {
    number++;
    failed.add(name);
    out.println("not ok " + number + " - " + name + ": not run, an earlier check failed");
    out.flush();
  }

  private String configVars() {
    log.step("Checking config vars");
    registry.validate(env, log);
    List<String> processes = ReleaseChecks.otherProcesses(
        new BootContext(registry, env, slug, log, Path.of("/sys/fs/cgroup")));
    return "every DATOMIC_* config var is valid"
        + (processes.isEmpty() ? "" : "; checked " + String.join(", ", processes));
  }

  private String database() {
    log.step("Preparing the database");
    Optional<BuildInfo> build = buildInfo();
    if (build.isPresent() && build.get().isFree()) {
      return "skipped: Datomic Free has no Postgres storage";
    }
    if (!StorageSelector.databaseConfigured(registry, env)) {
      log.warning("No database in this CI run: the transactor boots on dev storage.",
          "To test with Postgres, add the in-dyno database to app.json:",
          "  \"environments\": {\"test\": {\"addons\": [\"heroku-postgresql:in-dyno\"]}}");
      return "skipped: no database URL (dev storage)";
    }
    PostgresUrl url = PostgresUrl.fromEnvironment(registry, env);
    url.password().ifPresent(secrets::add);
    KvsBootstrap bootstrap = KvsBootstrap.forUrl(url, registry, env).log(log);
    String result = bootstrap.ensureTable().describe();
    log.detail(result + " at " + url.host() + ":" + url.port() + "/" + url.database()
        + " (sslmode=" + url.sslMode() + ")");
    return result + " (sslmode=" + url.sslMode() + ")";
  }

  private Optional<BuildInfo> buildInfo() {
    return Files.isRegularFile(slug.buildInfo()) ? Optional.of(BuildInfo.read(slug))
        : Optional.empty();
  }

  private String boot() throws IOException, InterruptedException {
    BuildInfo build = BuildInfo.read(slug); // says what to do when the app was not compiled
    String command = Procfile.read(slug.appDir()).processes().get(Procfile.TRANSACTOR);
    if (command == null) {
      command = Procfile.LAUNCH_COMMAND; // Heroku's default from bin/release
    }
    log.step("Booting the transactor from the slug (Datomic " + build.displayEdition() + " "
        + build.version() + "; waiting up to " + Units.shortDuration(bootTimeout)
        + " for System started)");
    log.detail("transactor: " + command);
    try (ProcfileProcess transactor = ProcfileProcess.start(slug.appDir(), command,
        processEnv, line -> log.detail("| " + secrets.mask(line)),
        ProcfileProcess.TRANSACTOR_READY)) {
      ProcfileProcess.Boot boot = transactor.awaitReady(bootTimeout);
      switch (boot) {
        case STARTED -> {
          boolean clean = transactor.stop(Duration.ofSeconds(30));
          return "System started after " + Units.seconds(transactor.timeToStart())
              + "; stopped with SIGTERM" + (clean ? "" : " (killed after 30 s)");
        }
        case EXITED -> throw new UserError("The transactor exited (status "
                + transactor.exitCode() + ") before it printed System started.",
            "Its output is above (lines starting with '|').",
            "The same settings would stop a transactor dyno: fix them before deploying.");
        default -> {
          transactor.stop(Duration.ofSeconds(10));
          throw new UserError("The transactor did not print System started within "
                  + Units.shortDuration(bootTimeout) + ".",
              "Its output is above (lines starting with '|'). A transactor that cannot reach"
                  + " its storage keeps retrying; check the database above.");
        }
      }
    }
  }
}
