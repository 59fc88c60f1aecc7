package datomic.buildpack.metrics;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.slug.SlugLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Which metrics callback a Datomic process gets, and what its classpath needs for it.
 *
 * <p>By default every transactor (property {@code metrics-callback}) and peer server (system
 * property {@code datomic.metricsCallback}) gets the buildpack's own callback,
 * {@code datomic-buildpack.metrics/handler}: a Clojure source shipped in the slug at
 * {@code .datomic/clj/} (Datomic {@code require}s the namespace, so the source on the classpath is
 * enough) that prints l2met lines to stdout. {@code DATOMIC_METRICS=off} turns it off; a user's
 * own {@code DATOMIC_METRICS_CALLBACK} (or a {@code metrics-callback} in the app's
 * transactor.properties) wins over it.
 */
public final class MetricsCallback {
  /** The shipped callback: namespace {@code datomic-buildpack.metrics}, function {@code handler}. */
  public static final String SHIPPED = "datomic-buildpack.metrics/handler";
  public static final String SETTING = "DATOMIC_METRICS";
  public static final String USER_CALLBACK = "DATOMIC_METRICS_CALLBACK";
  /** The transactor property and the peers' system property that name the callback. */
  public static final String PROPERTY = "metrics-callback";
  public static final String PEER_SYSTEM_PROPERTY = "datomic.metricsCallback";
  /** Where the default callback comes from, as the boot summary says it. */
  public static final String SHIPPED_SOURCE = "buildpack default, DATOMIC_METRICS=on";

  private final String callback;
  private final String source;
  private final boolean shipped;

  private MetricsCallback(String callback, String source) {
    this.callback = callback;
    this.source = source;
    this.shipped = SHIPPED.equals(callback);
  }

  /** Whether {@code DATOMIC_METRICS} leaves the shipped callback on. */
  public static boolean shippedOn(ConfigRegistry registry, Environment env) {
    return !"off".equals(registry.value(env, SETTING).orElse("on"));
  }

  /**
   * The callback for a peer-side process (peer server, console): the user's
   * {@code DATOMIC_METRICS_CALLBACK}, else the shipped one unless {@code DATOMIC_METRICS=off}.
   */
  public static Optional<MetricsCallback> forPeer(ConfigRegistry registry, Environment env) {
    Optional<String> own = env.get(USER_CALLBACK);
    if (own.isPresent()) {
      return Optional.of(new MetricsCallback(own.get(), "config var " + USER_CALLBACK));
    }
    return shippedOn(registry, env)
        ? Optional.of(new MetricsCallback(SHIPPED, SHIPPED_SOURCE)) : Optional.empty();
  }

  /** The callback a transactor's properties ended up with (whatever layer set it). */
  public static Optional<MetricsCallback> ofProperty(Optional<String> value, String source) {
    return value.filter(v -> !v.isBlank()).map(v -> new MetricsCallback(v.strip(), source));
  }

  public String callback() {
    return callback;
  }

  public String source() {
    return source;
  }

  /** Whether it is the buildpack's own callback (which needs {@code .datomic/clj} on the classpath). */
  public boolean shipped() {
    return shipped;
  }

  /**
   * What this callback adds to the classpath: the shipped sources' folder, or nothing (see
   * {@code dyno.JavaExec#plan}, which puts it before the app's DATOMIC_EXT_CLASSPATH).
   */
  public List<Path> classpathEntries(SlugLayout slug) {
    return shipped ? List.of(slug.cljDir()) : List.of();
  }

  /** The boot summary's line about metrics. */
  public static String summary(Optional<MetricsCallback> callback, ConfigRegistry registry,
      Environment env) {
    if (callback.isEmpty()) {
      return "metrics   off (" + (shippedOn(registry, env) ? "no callback" : "DATOMIC_METRICS=off")
          + ")";
    }
    MetricsCallback c = callback.get();
    if (c.shipped()) {
      return "metrics   l2met lines on stdout every minute, source=" + env.get("DYNO").orElse("(DYNO)")
          + " (" + SHIPPED + " from .datomic/clj; DATOMIC_METRICS=off turns it off)";
    }
    return "metrics   your callback " + c.callback() + " (" + c.source() + ")";
  }
}
