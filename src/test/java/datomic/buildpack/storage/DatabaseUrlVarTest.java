package datomic.buildpack.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.output.UserError;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which config var holds the database URL ({@code DATOMIC_DATABASE_URL_VAR}), and what happens
 * when the var it names is missing, empty, itself, or holds something else: never a silent fall
 * back to dev storage, and never a value printed.
 */
class DatabaseUrlVarTest {
  private static final ConfigRegistry REGISTRY = ConfigRegistry.load();
  private static final String RED = "postgres://red:Zq8wRedPw@red.example.com:5432/reddb";
  private static final String BLUE = "postgresql://blue:Zq8wBluePw@blue.example.com/bluedb";

  /** A dyno's environment (DYNO set) with these vars. */
  private static Environment env(String... pairs) {
    Map<String, String> m = new HashMap<>();
    m.put("DYNO", "transactor.1");
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return Environment.of(m);
  }

  private static String text(UserError e) {
    return e.getMessage() + "\n" + String.join("\n", e.advice());
  }

  private static void assertNoValues(String all) {
    for (String secret : List.of("Zq8wRedPw", "Zq8wBluePw", "red.example.com", "blue.example.com",
        "rediss-pw", "lic-Zq8w")) {
      assertFalse(all.contains(secret), "shows a value (" + secret + "):\n" + all);
    }
  }

  @Test
  void noVarNamedAndNoDatabaseUrlMeansNoDatabase() {
    assertEquals(Optional.empty(), DatabaseUrlVar.read(REGISTRY, env("PATH", "/bin")));
  }

  @Test
  void theDefaultVarAndANamedVarAreRead() {
    assertEquals("red.example.com",
        DatabaseUrlVar.read(REGISTRY, env("DATABASE_URL", RED)).orElseThrow().host());
    PostgresUrl blue = DatabaseUrlVar.read(REGISTRY, env("DATABASE_URL", RED,
        "HEROKU_POSTGRESQL_BLUE_URL", BLUE, "DATOMIC_DATABASE_URL_VAR",
        "HEROKU_POSTGRESQL_BLUE_URL")).orElseThrow();
    assertEquals("blue.example.com", blue.host());
    assertEquals("HEROKU_POSTGRESQL_BLUE_URL", blue.source());
  }

  @Test
  void aNamedVarThatIsNotSetFailsAndNamesTheVarsThatHoldPostgresUrls() {
    UserError e = assertThrows(UserError.class, () -> DatabaseUrlVar.read(REGISTRY, env(
        "DATOMIC_DATABASE_URL_VAR", "HEROKU_POSTGRESQL_RED_URL",
        "HEROKU_POSTGRESQL_BLUE_URL", BLUE, "DATABASE_URL", RED,
        "REDIS_URL", "rediss://:rediss-pw@redis.example.com:6379",
        "DATOMIC_LICENSE_PASSWORD", "lic-Zq8w")));
    String all = text(e);
    assertEquals("DATOMIC_DATABASE_URL_VAR=HEROKU_POSTGRESQL_RED_URL, but config var"
        + " HEROKU_POSTGRESQL_RED_URL is not set.", e.getMessage());
    assertTrue(all.contains("Config vars that hold a Postgres URL: DATABASE_URL,"
        + " HEROKU_POSTGRESQL_BLUE_URL."), all);
    assertFalse(all.contains("REDIS_URL") || all.contains("DATOMIC_LICENSE_PASSWORD"), all);
    assertTrue(all.contains("heroku config:set DATOMIC_DATABASE_URL_VAR=DATABASE_URL")
        || all.contains("heroku config:unset DATOMIC_DATABASE_URL_VAR"), all);
    assertTrue(all.contains("dev storage"), "says why it does not fall back:\n" + all);
    assertNoValues(all);
    // Under heroku local (no DYNO) the same advice is a line of .env.
    Map<String, String> local = new HashMap<>(env("DATOMIC_DATABASE_URL_VAR",
        "HEROKU_POSTGRESQL_RED_URL", "DATABASE_URL", RED).asMap());
    local.remove("DYNO");
    String localText = text(assertThrows(UserError.class,
        () -> DatabaseUrlVar.read(REGISTRY, Environment.of(local))));
    assertTrue(localText.contains("Use one: DATOMIC_DATABASE_URL_VAR=DATABASE_URL in .env"),
        localText);
    assertTrue(localText.contains("remove DATOMIC_DATABASE_URL_VAR from .env"), localText);
    assertFalse(localText.contains("heroku config"), localText);
  }

  @Test
  void aNamedVarThatIsNotSetWithNoPostgresAnywhereSaysSo() {
    UserError e = assertThrows(UserError.class, () -> DatabaseUrlVar.read(REGISTRY, env(
        "DATOMIC_DATABASE_URL_VAR", "HEROKU_POSTGRESQL_RED_URL")));
    String all = text(e);
    assertTrue(all.contains("No config var holds a Postgres URL"), all);
    assertTrue(all.contains("heroku addons:create heroku-postgresql"), all);
  }

  @Test
  void theVarSetButEmptyFails() {
    UserError named = assertThrows(UserError.class, () -> DatabaseUrlVar.read(REGISTRY, env(
        "DATOMIC_DATABASE_URL_VAR", "HEROKU_POSTGRESQL_RED_URL",
        "HEROKU_POSTGRESQL_RED_URL", "", "HEROKU_POSTGRESQL_BLUE_URL", BLUE)));
    assertEquals("Config var HEROKU_POSTGRESQL_RED_URL is set but empty.", named.getMessage());
    assertTrue(text(named).contains("HEROKU_POSTGRESQL_BLUE_URL"), text(named));
    assertNoValues(text(named));
    UserError blank = assertThrows(UserError.class, () -> DatabaseUrlVar.read(REGISTRY, env(
        "DATABASE_URL", "  ")));
    assertEquals("Config var DATABASE_URL is set but empty.", blank.getMessage());
  }

  @Test
  void theVarNamingItselfFails() {
    UserError e = assertThrows(UserError.class, () -> DatabaseUrlVar.read(REGISTRY, env(
        "DATOMIC_DATABASE_URL_VAR", "DATOMIC_DATABASE_URL_VAR", "DATABASE_URL", RED)));
    assertTrue(e.getMessage().contains("names itself"), text(e));
    assertTrue(text(e).contains("Config vars that hold a Postgres URL: DATABASE_URL."), text(e));
  }

  @Test
  void aVarHoldingSomethingElseFailsWithoutShowingIt() {
    UserError redis = assertThrows(UserError.class, () -> DatabaseUrlVar.read(REGISTRY, env(
        "DATOMIC_DATABASE_URL_VAR", "REDIS_URL",
        "REDIS_URL", "rediss://:rediss-pw@redis.example.com:6379", "DATABASE_URL", RED)));
    assertEquals("Config var REDIS_URL does not hold a Postgres URL (it holds a rediss:// URL).",
        redis.getMessage());
    assertTrue(text(redis).contains("Config vars that hold a Postgres URL: DATABASE_URL."),
        text(redis));
    assertNoValues(text(redis));
    assertFalse(text(redis).contains("redis.example.com"), text(redis));

    UserError secret = assertThrows(UserError.class, () -> DatabaseUrlVar.read(REGISTRY, env(
        "DATOMIC_DATABASE_URL_VAR", "DATOMIC_LICENSE_PASSWORD",
        "DATOMIC_LICENSE_PASSWORD", "lic-Zq8w")));
    assertEquals("Config var DATOMIC_LICENSE_PASSWORD does not hold a Postgres URL (its value is"
        + " not a URL; it is not shown).", secret.getMessage());
    assertNoValues(text(secret));
  }

  @Test
  void postgresVarsAreFoundByTheirValueOnly() {
    assertEquals(List.of("DATABASE_URL", "HEROKU_POSTGRESQL_BLUE_URL", "MY_PG"),
        DatabaseUrlVar.postgresVars(env("MY_PG", " POSTGRES://x@h/db", "HEROKU_POSTGRESQL_BLUE_URL",
            BLUE, "DATABASE_URL", RED, "OTHER", "mysql://x@h/db", "EMPTY", "")));
  }
}
