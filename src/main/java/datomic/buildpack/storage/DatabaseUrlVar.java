package datomic.buildpack.storage;

import static datomic.buildpack.storage.PostgresUrl.DEFAULT_URL_VAR;
import static datomic.buildpack.storage.PostgresUrl.URL_VAR_SETTING;

import datomic.buildpack.config.Advice;
import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.output.UserError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The config var that holds the database URL: the one {@code DATOMIC_DATABASE_URL_VAR} names, else
 * {@code DATABASE_URL}. A var the user named that is missing, empty, the setting itself or not a
 * Postgres URL is an error, never a silent fall back to storage on the dyno's disk; the error names
 * the vars that do hold Postgres URLs (found by their values, which are never shown).
 */
public final class DatabaseUrlVar {
  private static final Pattern POSTGRES_URL = Pattern.compile("(?i)postgres(ql)?://.*",
      Pattern.DOTALL);
  private static final Pattern ANY_URL = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]{0,20})://.*",
      Pattern.DOTALL);

  private DatabaseUrlVar() {}

  /** The name of the var that holds the URL. */
  public static String name(ConfigRegistry registry, Environment env) {
    return registry.value(env, URL_VAR_SETTING).orElse(DEFAULT_URL_VAR);
  }

  /** Whether that var holds a value (not whether the value is a usable URL). */
  public static boolean present(ConfigRegistry registry, Environment env) {
    return env.get(name(registry, env)).isPresent();
  }

  /**
   * The database URL, or empty when none is configured: {@code DATOMIC_DATABASE_URL_VAR} unset and
   * no {@code DATABASE_URL} at all.
   *
   * @throws UserError when the var named is not set, is empty, is {@code DATOMIC_DATABASE_URL_VAR}
   *     itself, or does not hold a usable Postgres URL
   */
  public static Optional<PostgresUrl> read(ConfigRegistry registry, Environment env) {
    String name = name(registry, env);
    boolean named = registry.isSet(env, URL_VAR_SETTING);
    if (name.equals(URL_VAR_SETTING)) {
      throw error(env, URL_VAR_SETTING + " names itself.",
          "It must hold the name of the config var that holds the Postgres URL, such as"
              + " HEROKU_POSTGRESQL_RED_URL.");
    }
    if (env.undecodable().contains(name)) {
      throw Environment.notUtf8(name, Advice.of(env)); // never read as "not set" (dev storage)
    }
    String raw = env.asMap().get(name);
    if (raw == null) {
      if (!named) {
        return Optional.empty();
      }
      throw error(env, URL_VAR_SETTING + "=" + name + ", but config var " + name
          + " is not set.", "You named a database, so the transactor does not fall back to dev"
              + " storage on the dyno's disk (all data lost at every restart).");
    }
    if (raw.isBlank()) {
      throw error(env, "Config var " + name + " is set but empty.",
          "An empty database URL is not taken as \"no database\": unset it for dev storage on the"
              + " dyno's disk (all data lost at every restart), or give it the database's URL.");
    }
    String text = raw.strip();
    if (!POSTGRES_URL.matcher(text).matches()) {
      Matcher url = ANY_URL.matcher(text);
      throw error(env, "Config var " + name + " does not hold a Postgres URL ("
          + (url.matches() ? "it holds a " + url.group(1) + ":// URL"
              : "its value is not a URL; it is not shown") + ").",
          "The database URL looks like postgres://USER:PASSWORD@HOST:5432/DATABASE.");
    }
    return Optional.of(PostgresUrl.parse(text, name));
  }

  /** Names of the vars whose value looks like a Postgres URL, DATABASE_URL first, then sorted. */
  static List<String> postgresVars(Environment env) {
    List<String> names = new ArrayList<>();
    for (Map.Entry<String, String> e : env.asMap().entrySet()) {
      if (POSTGRES_URL.matcher(e.getValue().strip()).matches()) {
        names.add(e.getKey());
      }
    }
    names.sort((a, b) -> a.equals(DEFAULT_URL_VAR) ? -1 : b.equals(DEFAULT_URL_VAR) ? 1
        : a.compareTo(b));
    return names;
  }

  private static UserError error(Environment env, String summary, String why) {
    Advice how = Advice.of(env);
    List<String> advice = new ArrayList<>();
    advice.add(why);
    List<String> candidates = postgresVars(env);
    if (candidates.isEmpty()) {
      advice.add("No config var holds a Postgres URL (postgres://...). "
          + (how.local() ? "Add one: " + how.addPostgres() + "."
              : "Attach a database: " + how.addPostgres() + ", or see the attachments' names"
                  + " with heroku addons."));
    } else {
      advice.add("Config vars that hold a Postgres URL: " + String.join(", ", candidates) + ".");
      advice.add("Use one: " + how.configSet(URL_VAR_SETTING, candidates.get(0)));
      if (candidates.contains(DEFAULT_URL_VAR)) {
        advice.add("Or unset it to use " + DEFAULT_URL_VAR + ": "
            + how.configUnset(URL_VAR_SETTING));
      }
    }
    return new UserError(summary, advice.toArray(String[]::new));
  }
}
