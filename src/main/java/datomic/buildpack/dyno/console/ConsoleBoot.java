package datomic.buildpack.dyno.console;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.dyno.BootSummary;
import datomic.buildpack.dyno.JavaExec;
import datomic.buildpack.dyno.PeerStorage;
import datomic.buildpack.dyno.RuntimeDir;
import datomic.buildpack.heroku.Procfile;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.UserError;
import datomic.buildpack.slug.BuildInfo;
import datomic.buildpack.slug.SlugLayout;
import datomic.buildpack.storage.PgPassFile;
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

  private final ConfigRegistry registry;
  private final Environment env;
  private final SlugLayout slug;
  private final Log log;

  public ConsoleBoot(ConfigRegistry registry, Environment env, SlugLayout slug, Log log) {
    this.registry = registry;
    this.env = env;
    this.slug = slug;
    this.log = log;
  }

  /** Checks, writes the password file, prints the summary and returns the command to exec. */
  public List<String> prepare() {
    registry.validate(env, log);
    refuseWeb();
    BuildInfo build = BuildInfo.read(slug);
    Path console = slug.distDir().resolve("bin/console");
    if (!Files.isExecutable(console)) {
      throw new UserError("This Datomic distribution has no bin/console.",
          "The Console ships with Datomic Pro; check DATOMIC_VERSION and push again.");
    }
    String urlVar = registry.value(env, PostgresUrl.URL_VAR_SETTING)
        .orElse(PostgresUrl.DEFAULT_URL_VAR);
    if (build.isFree() || env.get(urlVar).isEmpty()) {
      throw new UserError("The Datomic Console needs the app's Postgres storage.",
          build.isFree()
              ? "Datomic Free keeps its data on the transactor's own disk, out of the Console's reach."
              : "No database URL (" + urlVar + ") is set: the transactor uses dev storage on its"
                  + " own disk.",
          "Use Datomic Pro with Heroku Postgres: heroku addons:create heroku-postgresql");
    }
    PostgresUrl url = PostgresUrl.fromEnvironment(registry, env);
    PgPassFile.Support support = PgPassFile.support(slug.distDir());
    if (url.password().isPresent() && !support.readsPgPass()) {
      throw new UserError("The Console would print the storage password in the log.",
          "It prints its storage URI at start, and this Datomic's PostgreSQL driver ("
              + support.evidence() + ") cannot read",
          "the password from a file instead (pgjdbc 42.3 or later can). Use a newer Datomic"
              + " (heroku config:set DATOMIC_VERSION=...),",
          "or run the Console on your own machine against the database.");
    }
    RuntimeDir runtime = RuntimeDir.forBoot(env, Procfile.CONSOLE, slug.appDir());
    PeerStorage storage = PeerStorage.prepare(url, slug.distDir(), runtime);
    String uri = url.storageUriWithoutPassword();
    String port = registry.value(env, PORT_SETTING).orElseThrow();
    String dyno = env.get("DYNO").orElse("console.1");

    log.step("Datomic " + build.displayEdition() + " " + build.version() + " Console"
        + env.get("DYNO").map(d -> " on " + d).orElse(""));
    log.detail(BootSummary.line("storage", ALIAS + " = " + uri, "config var " + url.source()));
    log.detail(storage.passwordSummary());
    log.detail(BootSummary.line("port", port, registry.isSet(env, PORT_SETTING)
        ? "config var " + PORT_SETTING : "default"));
    log.detail("The Console has no login: it is not a web process, so only you reach it:");
    log.detail("  heroku ps:forward " + port + " --dyno " + dyno
        + ", then open http://localhost:" + port + "/browse");
    log.detail("Stop it when done: heroku ps:scale console=0");

    List<String> argv = JavaExec.environment(env.asMap(), slug.appDir(), List.of(),
        storage.environment());
    argv.add(console.toString());
    argv.add("-p");
    argv.add(port);
    argv.add(ALIAS);
    argv.add(uri);
    return argv;
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
