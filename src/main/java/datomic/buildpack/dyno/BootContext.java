package datomic.buildpack.dyno;

import datomic.buildpack.config.Advice;
import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.UserError;
import datomic.buildpack.slug.BuildInfo;
import datomic.buildpack.slug.SlugLayout;
import datomic.buildpack.storage.KvsBootstrap;
import datomic.buildpack.storage.PostgresUrl;
import java.nio.file.Path;

/**
 * What every Datomic process's boot starts from (the transactor, the peer server, the Console,
 * backups and restores, create-database, the release phase, the Heroku CI check): the config var
 * registry, this process's environment, the slug, the log, and where the dyno's memory limit is
 * read. Built once by the command; each process's room asks it for the checks all of them share,
 * so a rule written here holds for every process.
 */
public record BootContext(ConfigRegistry registry, Environment env, SlugLayout slug, Log log,
    Path cgroupRoot) {

  /** The context of a process of the app in {@code appDir}, from this process's environment. */
  public static BootContext system(Path appDir, Path cgroupRoot) {
    return new BootContext(ConfigRegistry.load(), Environment.system(),
        new SlugLayout(appDir.toAbsolutePath().normalize()), Log.system(), cgroupRoot);
  }

  /** The memory this dyno may use. */
  public DynoMemory memory() {
    DynoMemory memory = DynoMemory.detect(cgroupRoot);
    if (memory.limited() && advice().place() == Advice.Place.DRY_RUN) {
      return new DynoMemory(memory.megabytes(), memory.source() + ", simulated by the dry run",
          true);
    }
    return memory;
  }

  /** What the build installed: edition, version, checksum. */
  public BuildInfo build() {
    return BuildInfo.read(slug);
  }

  /**
   * The checks every process makes first: every config var valid, and every variable handed on
   * to Datomic readable text (never silently dropped or changed).
   */
  public void checkEnvironment() {
    registry.validate(env, log);
    JavaExec.PASSED_ON.forEach(env::get);
  }

  /**
   * The app's Postgres storage, or a refusal: every process but the transactor reaches storage
   * from a dyno of its own, so it needs Datomic Pro with Postgres (Free and dev storage live on
   * the transactor dyno's disk).
   *
   * @param process who needs it, as the message names it: "The peer server", "A backup", ...
   */
  public PostgresUrl requirePostgres(String process) {
    String var = registry.value(env, PostgresUrl.URL_VAR_SETTING)
        .orElse(PostgresUrl.DEFAULT_URL_VAR);
    boolean free = build().isFree();
    if (free || env.get(var).isEmpty()) {
      Advice how = advice();
      String why = free
          ? "Datomic Free keeps its data on the transactor dyno's own disk (it cannot use"
              + " Postgres), out of reach of other dynos."
          : "No database URL (" + var + ") is set: the transactor keeps dev storage on its"
              + " own dyno's disk, which a process on another dyno cannot share.";
      String pro = "Use Datomic Pro with " + (how.local() ? "PostgreSQL" : "Heroku Postgres")
          + (free ? " (" + how.configUnset("DATOMIC_EDITION") + ")" : "") + ": "
          + how.addPostgres();
      if (how.local()) {
        throw new UserError(process + " needs the app's Postgres storage.", why, pro);
      }
      throw new UserError(process + " needs the app's Postgres storage.", why, pro,
          "In a separate (query-group) app, attach the transactor app's database:",
          "heroku addons:attach <transactor-app>::DATABASE --as DATABASE -a <this app>");
    }
    PostgresUrl url = PostgresUrl.fromEnvironment(registry, env);
    warnIfNoPassword(url);
    return url;
  }

  /**
   * Datomic connects to storage itself in every process but the transactor (whose own check of
   * storage explains a refusal): a URL without a password is said here, in our words, before
   * the driver's ("no password was provided by plugin null") can be all the user reads.
   */
  void warnIfNoPassword(PostgresUrl url) {
    if (url.password().isPresent() && !url.password().get().isEmpty()) {
      return;
    }
    Advice how = advice();
    log.warning(url.source() + " has " + (url.password().isEmpty() ? "no" : "an empty")
            + " password (postgres://" + url.user() + "@" + url.host() + ":" + url.port() + "/"
            + url.database() + ").",
        how.local()
            ? "Unless this PostgreSQL lets " + url.user() + " in without one (trust), it refuses"
                + " Datomic's connection."
            : "Heroku Postgres always puts one in its URL (postgres://USER:PASSWORD@HOST:5432/DB):"
                + " one without was typed by hand or cut short,",
        how.local() ? "Put it in the URL: postgres://USER:PASSWORD@HOST:PORT/DB in .env."
            : "and the database will refuse Datomic's connection. See the current URL with"
                + " heroku pg:credentials:url, and set " + url.source() + " to it whole.");
  }

  /** Commands to suggest, right for where this process runs (a dyno, heroku local). */
  public Advice advice() {
    return Advice.of(env);
  }

  /**
   * Connects to the storage once before it is handed to Datomic, with the transactor's bounded
   * retries ({@code DATOMIC_STORAGE_CONNECT_ATTEMPTS}) and its messages: storage that cannot be
   * reached, credentials it refuses, a missing password or a role without connections left are
   * named in one message by the buildpack, instead of surfacing inside Datomic's connection pool
   * as pages of stack traces. Creates nothing.
   *
   * @throws UserError when the storage cannot be reached or refuses the connection
   */
  public void reachPostgres(PostgresUrl url) {
    KvsBootstrap.forUrl(url, registry, env).log(log).reach();
  }

  /** Where a value came from, for a summary line: its config var, or the default. */
  public String source(String var) {
    return registry.isSet(env, var) ? "config var " + var : "default";
  }

  /** The summary's heading: {@code Datomic Pro 1.0.7622 <what> on <dyno>}. */
  public String heading(String what) {
    BuildInfo build = build();
    return "Datomic " + build.displayEdition() + " " + build.version() + " " + what
        + env.get("DYNO").map(d -> " on " + d).orElse("");
  }
}
