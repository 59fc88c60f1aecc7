package datomic.buildpack.config;

import datomic.buildpack.output.Echo;
import datomic.buildpack.output.UserError;
import java.time.Duration;
import java.util.Optional;

/**
 * The buildpack's own switches: {@code DATOMIC_BUILDPACK_*} variables for the tests and for an
 * outside harness that simulates a build or a dyno, never config vars of an app (the registry
 * refuses that prefix), except {@link #DEBUG}. CONTRIBUTING.md lists them; this is the one place
 * the Java side reads them, and a value that is not what the switch takes is a clear error, not
 * an unexpected failure or a silent default.
 */
public final class Switches {
  /** {@code 1} or {@code true}: stack traces of unexpected errors (also a config var). */
  public static final String DEBUG = "DATOMIC_BUILDPACK_DEBUG";
  /** Milliseconds: the first wait between retries of storage (tests shorten it). */
  public static final String BACKOFF_MS = "DATOMIC_BUILDPACK_BACKOFF_MS";
  /** A step's name ({@code compile}): fail there on purpose, to test the unexpected-error path. */
  public static final String FAILPOINT = "DATOMIC_BUILDPACK_FAILPOINT";
  /** Bytes: the slug size that warns, and the one that fails (Heroku's, unless set). */
  public static final String SLUG_WARN_BYTES = "DATOMIC_BUILDPACK_SLUG_WARN_BYTES";
  public static final String SLUG_LIMIT_BYTES = "DATOMIC_BUILDPACK_SLUG_LIMIT_BYTES";
  /** Seconds the Heroku CI check waits for the transactor (picocli default of {@code test}). */
  public static final String CI_BOOT_TIMEOUT = "DATOMIC_BUILDPACK_CI_BOOT_TIMEOUT";
  /** Where a dyno's memory limit is read (picocli default of the dyno commands). */
  public static final String CGROUP_ROOT = "DATOMIC_BUILDPACK_CGROUP_ROOT";

  private static final long MAX_BACKOFF_MS = 60_000;

  private final Environment env;

  private Switches(Environment env) {
    this.env = env;
  }

  public static Switches of(Environment env) {
    return new Switches(env);
  }

  /** The switches of this process's own environment. */
  public static Switches system() {
    return of(Environment.system());
  }

  public boolean debug() {
    return env.get(DEBUG).map(v -> v.equals("1") || v.equals("true")).orElse(false);
  }

  /**
   * The first wait between retries, when a test set one: for every retry loop of every process
   * (storage, the peer server's wait for a transactor). From 1 ms to a minute: a zero wait would
   * retry every millisecond.
   */
  public Optional<Duration> backoff() {
    return env.get(BACKOFF_MS).map(v -> {
      long ms;
      try {
        ms = Long.parseLong(v.strip());
      } catch (NumberFormatException e) {
        ms = -1;
      }
      if (ms < 1 || ms > MAX_BACKOFF_MS) {
        throw new UserError(BACKOFF_MS + "=" + Echo.value(v) + " is not a whole number of"
                + " milliseconds from 1 to " + MAX_BACKOFF_MS + ".",
            BACKOFF_MS + " is a switch of the buildpack's tests (see CONTRIBUTING.md), not a"
                + " setting: " + Advice.of(env).configUnset(BACKOFF_MS));
      }
      return Duration.ofMillis(ms);
    });
  }

  /** Whether {@link #FAILPOINT} names {@code step}. */
  public boolean failsAt(String step) {
    return env.get(FAILPOINT).map(step::equals).orElse(false);
  }

  /** A byte limit a test set, else the platform's. */
  public long bytes(String name, long platform) {
    return env.get(name).map(v -> number(name, v, "bytes")).orElse(platform);
  }

  /** How long the Heroku CI check waits for the transactor's {@code System started}. */
  public Duration ciBootTimeout() {
    return Duration.ofSeconds(env.get(CI_BOOT_TIMEOUT)
        .map(v -> number(CI_BOOT_TIMEOUT, v, "seconds", 1)).orElse(120L));
  }

  private static long number(String name, String value, String unit) {
    return number(name, value, unit, 0);
  }

  private static long number(String name, String value, String unit, long min) {
    try {
      long n = Long.parseLong(value.strip());
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new UserError(name + "=" + Echo.value(value) + " is not a number of " + unit
            + (min > 0 ? " (" + min + " or more)." : "."),
        name + " is a switch of the buildpack's tests (see CONTRIBUTING.md), not a setting:",
        "unset it, or give it a whole number of " + unit + (min > 0 ? ", " + min + " or more."
            : "."));
  }
}
