package datomic.buildpack.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The commands a message tells the user to run, right for where this process runs: {@code heroku
 * config:set ...} on Heroku (a build, a dyno, Heroku CI), a line of {@code .env} under {@code
 * heroku local} or foreman (no {@code DYNO}), and on the checkout's dry run Heroku's command with
 * the dry run's option beside it. A dyno type named in advice comes from {@link DynoTypes}, from
 * the family this app can use ({@code private-*} in a Private Space, {@code standard-*} or
 * {@code performance-*} outside one). Every message that suggests a {@code heroku} command builds
 * it here.
 */
public final class Advice {
  /**
   * Set by the checkout's {@code ./dry-run} in its builds' and dynos' environment (never a config
   * var): Heroku is played locally, and settings come from its {@code -e NAME=VALUE}.
   */
  public static final String DRY_RUN_MARKER = "DATOMIC_BUILDPACK_DRY_RUN";

  /** Where a process runs, as far as advice goes. */
  public enum Place {
    /** A Heroku build, dyno (release phase, one-off) or Heroku CI run. */
    HEROKU,
    /** {@code heroku local}, foreman or a shell: no {@code DYNO}; config vars live in .env. */
    LOCAL,
    /** The checkout's dry run: Heroku played on this machine. */
    DRY_RUN
  }

  /** {@link #DRY_RUN_MARKER}'s value when the dry run installs its stand-in distribution. */
  public static final String STAND_IN = "stand-in";

  private final Place place;
  private final boolean privateSpace;
  private final boolean standIn;

  private Advice(Place place, boolean privateSpace, boolean standIn) {
    this.place = place;
    this.privateSpace = privateSpace;
    this.standIn = standIn;
  }

  /**
   * Advice for a process with environment {@code env}: a build's (ENV_DIR) runs on Heroku; a
   * process runs on Heroku when {@code DYNO} (a dyno), {@code CI} (Heroku CI) or {@code STACK}
   * (a build's own environment) is set, else locally.
   */
  public static Advice of(Environment env) {
    String marker = env.isBuild() ? System.getenv(DRY_RUN_MARKER)
        : env.asMap().get(DRY_RUN_MARKER);
    boolean dryRun = marker != null;
    Place place;
    if (dryRun) {
      place = Place.DRY_RUN;
    } else if (env.isBuild() || present(env, "DYNO") || present(env, "CI")
        || present(env, "STACK")) {
      place = Place.HEROKU;
    } else {
      place = Place.LOCAL;
    }
    return new Advice(place, present(env, "HEROKU_PRIVATE_IP"), STAND_IN.equals(marker));
  }

  /** Advice for this process, from its own environment. */
  public static Advice system() {
    return of(Environment.system());
  }

  /** Advice for a Heroku build (the dry run's too). */
  public static Advice build() {
    String marker = System.getenv(DRY_RUN_MARKER);
    return new Advice(marker != null ? Place.DRY_RUN : Place.HEROKU, false,
        STAND_IN.equals(marker));
  }

  private static boolean present(Environment env, String name) {
    String value = env.asMap().get(name);
    return value != null && !value.isEmpty();
  }

  public Place place() {
    return place;
  }

  /** Whether this is the dry run with its stand-in distribution (not a real Datomic). */
  public boolean standIn() {
    return standIn;
  }

  /** Whether this process runs on this machine under {@code heroku local} or foreman. */
  public boolean local() {
    return place == Place.LOCAL;
  }

  /** The dyno types this app can use. */
  public DynoTypes.Family family() {
    return privateSpace ? DynoTypes.Family.PRIVATE : DynoTypes.Family.COMMON_RUNTIME;
  }

  /**
   * Setting config vars: {@code heroku config:set A=1 B=2}; locally {@code A=1 and B=2 in .env};
   * on the dry run Heroku's command and {@code [in the dry run: -e A=1 -e B=2]}.
   */
  public String configSetAll(String... assignments) {
    String joined = String.join(" ", assignments);
    return switch (place) {
      case HEROKU -> "heroku config:set " + joined;
      case LOCAL -> String.join(" and ", assignments) + " in .env";
      case DRY_RUN -> "heroku config:set " + joined + " [in the dry run: "
          + String.join(" ", Arrays.stream(assignments).map(a -> "-e " + a).toList()) + "]";
    };
  }

  /**
   * A setting the build reads ({@code DATOMIC_VERSION}): on Heroku {@code heroku config:set},
   * then a new build; locally a file of bin/compile's ENV_DIR, then compile again.
   */
  public String buildSetting(String var, String value) {
    return local() ? var + "=" + value + " in bin/compile's ENV_DIR (a file " + var
        + " holding " + value + "), then compile again" : configSet(var, value);
  }

  /** {@link #configSetAll} of one {@code NAME=VALUE}. */
  public String configSet(String assignment) {
    return configSetAll(assignment);
  }

  /** {@link #configSetAll} of {@code var}={@code value}. */
  public String configSet(String var, String value) {
    return configSetAll(var + "=" + value);
  }

  /**
   * Setting {@code var} to the output of a shell command ({@code openssl rand -hex 32}): Heroku's
   * CLI runs it in the user's shell; a .env file is read as it is, so locally the user runs it.
   */
  public String configSetOutputOf(String var, String command) {
    return local() ? var + "=<the output of " + command + "> in .env"
        : configSet(var + "=$(" + command + ")");
  }

  /** Unsetting: {@code heroku config:unset A B}; locally {@code remove A and B from .env}. */
  public String configUnset(String... vars) {
    String joined = String.join(" ", vars);
    return switch (place) {
      case HEROKU -> "heroku config:unset " + joined;
      case LOCAL -> "remove " + String.join(" and ", vars) + " from .env";
      case DRY_RUN -> "heroku config:unset " + joined + " [in the dry run: -e "
          + String.join("= -e ", vars) + "=]";
    };
  }

  /**
   * Scaling: {@code heroku ps:scale transactor=1}; locally, how many processes to start
   * ({@code run 1 transactor process}): heroku local and foreman start what they are told.
   */
  public String psScale(String... formation) {
    if (!local()) {
      return "heroku ps:scale " + String.join(" ", formation);
    }
    List<String> parts = new ArrayList<>();
    for (String f : formation) {
      int eq = f.indexOf('=');
      String n = f.substring(eq + 1);
      parts.add(n.equals("0") ? "stop the " + f.substring(0, eq) + " process"
          : "run " + n + " " + f.substring(0, eq) + " process" + (n.equals("1") ? "" : "es"));
    }
    return String.join(", ", parts);
  }

  /**
   * The dyno type of this app's family for a process that needs {@code megabytes}: {@code heroku
   * ps:type transactor=private-m} ({@code processType} null: a one-off, {@code heroku run
   * --size=private-m ...}); in a Private Space the Shield size is named beside it (a dyno cannot
   * tell a Shield space from a Private one). Empty locally (no dyno types) and when no type of
   * the family has that much memory.
   */
  public Optional<String> dynoFor(String processType, long megabytes) {
    if (local()) {
      return Optional.empty();
    }
    return DynoTypes.smallestWith(family(), megabytes).map(t -> dynoCommand(processType, t));
  }

  /** {@code heroku ps:type transactor=private-m (2.5 GB; shield-m in a Shield space)}. */
  public String dynoCommand(String processType, DynoTypes.Type type) {
    String command = processType == null ? "heroku run --size=" + type.name() + " ..."
        : "heroku ps:type " + processType + "=" + type.name();
    String shield = type.family() == DynoTypes.Family.PRIVATE
        ? type.in(DynoTypes.Family.SHIELD).map(s -> "; " + s.name() + " in a Shield space")
            .orElse("")
        : "";
    return command + " (" + DynoTypes.memory(type.megabytes()) + shield + ")";
  }

  /**
   * Adding Heroku Postgres: {@code heroku addons:create heroku-postgresql}; locally a
   * {@code DATABASE_URL} in .env pointing at a PostgreSQL of this machine.
   */
  public String addPostgres() {
    return local() ? "DATABASE_URL=postgres://USER:PASSWORD@127.0.0.1:5432/DB in .env (a"
        + " PostgreSQL of this machine)" : "heroku addons:create heroku-postgresql";
  }
}
