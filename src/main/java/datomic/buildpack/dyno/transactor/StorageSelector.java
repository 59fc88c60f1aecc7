package datomic.buildpack.dyno.transactor;

import datomic.buildpack.catalog.VersionCatalog;
import datomic.buildpack.config.Advice;
import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.output.Log;
import datomic.buildpack.slug.BuildInfo;
import datomic.buildpack.storage.DatabaseUrlVar;
import datomic.buildpack.storage.PostgresUrl;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses storage at each boot: Postgres ({@code sql}) when the database URL config var is set,
 * else the dyno's own disk ({@code dev} for Pro, {@code free} for Free) with a loud warning. A var
 * the user named ({@code DATOMIC_DATABASE_URL_VAR}) that holds no usable URL is an error, not dev
 * storage.
 */
public final class StorageSelector {
  private StorageSelector() {}

  /** Whether a database URL is configured (under the name DATOMIC_DATABASE_URL_VAR gives). */
  public static boolean databaseConfigured(ConfigRegistry registry, Environment env) {
    return DatabaseUrlVar.present(registry, env);
  }

  /**
   * The storage for this boot.
   *
   * @throws datomic.buildpack.output.UserError (Pro) when DATOMIC_DATABASE_URL_VAR names a var
   *     that is missing, empty or not a Postgres URL, or the URL is not usable: a database the
   *     user asked for never falls back to dev storage
   */
  public static Storage select(ConfigRegistry registry, Environment env, BuildInfo build,
      Log log) {
    Advice advice = Advice.of(env);
    String postgres = advice.local() ? advice.addPostgres()
        : "heroku addons:create heroku-postgresql -a <app>";
    String restarts = advice.local() ? "(Here it is the distribution's data folder; a dyno loses"
        + " it at every restart.)" : "Dynos restart at least daily.";
    if (build.isFree()) {
      if (databaseConfigured(registry, env)) {
        log.warning("Datomic Free cannot store data in Postgres; the database URL is ignored.",
            "Free only has storage on the transactor's own disk (lost at every restart here).",
            "Use Datomic Pro, free of charge from " + VersionCatalog.load().noCostSince()
                + ": " + advice.configUnset("DATOMIC_EDITION"));
      }
    } else {
      Optional<PostgresUrl> database = PostgresUrl.configured(registry, env);
      if (database.isPresent()) {
        PostgresUrl url = database.get();
        return new Storage("sql", url.transactorProperties(),
            "Postgres " + url.host() + ":" + url.port() + "/" + url.database() + " as "
                + url.user() + " (sslmode=" + url.sslMode() + ")",
            "config var " + url.source(), true, Optional.of(url));
      }
    }
    String protocol = build.isFree() ? "free" : "dev";
    if (build.isFree()) {
      log.warning("Datomic Free keeps its data on this dyno's own disk. ALL DATA IS LOST at every"
              + " restart.",
          restarts + " For storage that lasts, use Datomic Pro (free of charge",
          "from " + VersionCatalog.load().noCostSince() + ") with Postgres: "
              + advice.configUnset("DATOMIC_EDITION") + ", then",
          postgres);
    } else {
      log.warning("No database configured: using dev storage on this dyno's own disk."
              + " ALL DATA IS LOST at every restart.",
          restarts + " For storage that lasts, add Postgres:",
          postgres);
    }
    return new Storage(protocol, Map.of(),
        protocol + " storage on the dyno's disk (lost at restart)", "no database URL", false,
        Optional.empty());
  }
}
