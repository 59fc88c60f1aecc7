package datomic.buildpack.dyno.console;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.dyno.BootContext;
import datomic.buildpack.dyno.BootSummary;
import datomic.buildpack.dyno.ExecPlan;
import datomic.buildpack.dyno.JavaExec;
import datomic.buildpack.dyno.PeerStorage;
import datomic.buildpack.dyno.RuntimeDir;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.UserError;
import datomic.buildpack.slug.ProcessType;
import datomic.buildpack.slug.SlugLayout;
import datomic.buildpack.storage.PostgresUrl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code console} process: Datomic's Console ({@code bin/console -p PORT ALIAS STORAGE-URI})
 * against the app's Postgres storage. The Console has no login, so it never runs as a
 * {@code web} process (Heroku's router would put it on the internet); it is reached through
 * {@code heroku ps:forward} or from inside the Private Space.
 *
 * <p>The storage URI carries no password: the distribution's pgjdbc reads it from a 0600
 * {@code PGPASSFILE} in the dyno's private runtime folder. The Console prints its storage URI at
 * start, so with a driver too old for pgpass files it refuses to start rather than print the
 * password to the log.
 */
public final class ConsoleBoot {
  public static final String PORT_SETTING = "DATOMIC_CONSOLE_PORT";
  /** The name the Console shows for the app's storage. */
  public static final String ALIAS = "heroku";

  /** The process type: never {@code web}. */
  public static final String PROCESS_TYPE = ProcessType.CONSOLE.type();
  private static final String PROCESS = "The Datomic Console";

  private final BootContext boot;
  private final ConfigRegistry registry;
  private final Environment env;
  private final SlugLayout slug;
  private final Log log;

  public ConsoleBoot(BootContext boot) {
    this.boot = boot;
    this.registry = boot.registry();
    this.env = boot.env();
    this.slug = boot.slug();
    this.log = boot.log();
  }

  /** Checks, writes the password file, prints the summary and returns the plan to exec. */
  public ExecPlan prepare() {
    boot.checkEnvironment();
    refuseWeb();
    Path console = slug.distDir().resolve("bin/console");
    if (!Files.isExecutable(console)) {
      throw new UserError("This Datomic distribution has no bin/console.",
          "The Console ships with Datomic Pro; check DATOMIC_VERSION and push again.");
    }
    PostgresUrl url = boot.requirePostgres(PROCESS);
    boot.reachPostgres(url);
    RuntimeDir runtime = RuntimeDir.forBoot(env, PROCESS_TYPE, slug.appDir());
    PeerStorage storage = PeerStorage.prepare(url, slug.distDir(), runtime)
        .refusePasswordInPrintedUri("The Console",
            "or run the Console on your own machine against the database.");
    String uri = url.storageUriWithoutPassword();
    String port = registry.value(env, PORT_SETTING).orElseThrow();
    String dyno = env.get("DYNO").orElse("console.1");

    log.step(boot.heading("Console"));
    log.detail(BootSummary.line("storage", ALIAS + " = " + uri, "config var " + url.source()));
    log.detail(storage.passwordSummary());
    log.detail(BootSummary.line("port", port, boot.source(PORT_SETTING)));
    if (boot.advice().local()) {
      log.detail("The Console has no login; open http://localhost:" + port + "/browse");
    } else {
      log.detail("The Console has no login: it is not a web process, so only you reach it:");
      log.detail("  heroku ps:forward " + port + " --dyno " + dyno
          + ", then open http://localhost:" + port + "/browse");
      log.detail("Stop it when done: " + boot.advice().psScale("console=0"));
    }

    return JavaExec.plan(env.asMap(), slug.appDir(), console, List.of(), storage.environment())
        .args(List.of("-p", port, ALIAS, uri));
  }

  /** A web dyno is on the internet through Heroku's router: no Console there. */
  private void refuseWeb() {
    // On Heroku only web dynos get PORT; heroku local and foreman set it for every process, so
    // there (no DYNO) it says nothing.
    boolean web = env.get("DYNO").map(d -> d.startsWith("web.") || env.get("PORT").isPresent())
        .orElse(false);
    if (web) {
      throw new UserError("The Datomic Console must not run as a web process.",
          "It has no login: as " + env.get("DYNO").orElse("a web dyno")
              + " anyone on the internet could read and query the data.",
          "Run it as the console process and reach it through Heroku Exec:",
          "  heroku ps:scale web=0 console=1, then heroku ps:forward "
              + registry.value(env, PORT_SETTING).orElse("8080") + " --dyno console.1");
    }
  }
}
