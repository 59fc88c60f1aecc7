package datomic.buildpack.dyno.peerserver;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.memcached.Memcached;
import datomic.buildpack.metrics.MetricsCallback;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a peer-side Datomic JVM needs besides its storage URI, from the same config vars as the
 * transactor: the metrics callback ({@code datomic.metricsCallback}) and memcached
 * ({@code datomic.memcachedServers}, {@code ...Username}, {@code ...Password}), as system
 * properties. The peer server's boot puts them in its private plan file (so the password is in
 * no process argument); {@code peer-uri} prints the memcached ones for peers in other apps.
 */
public final class PeerOptions {
  /** System properties that hold secrets. */
  public static final Set<String> SECRET_PROPERTIES = Set.of("datomic.memcachedPassword");

  private final Optional<MetricsCallback> metrics;
  private final Optional<Memcached> memcached;

  private PeerOptions(Optional<MetricsCallback> metrics, Optional<Memcached> memcached) {
    this.metrics = metrics;
    this.memcached = memcached;
  }

  /**
   * The options for this environment. {@code DATOMIC_METRICS}, {@code DATOMIC_METRICS_CALLBACK},
   * {@code DATOMIC_EXT_CLASSPATH}, {@code DATOMIC_MEMCACHED*} and the MemCachier add-on decide.
   *
   * @throws datomic.buildpack.output.UserError when MEMCACHIER_SERVERS / DATOMIC_MEMCACHED are
   *     not lists of {@code host[:port]}
   */
  public static PeerOptions of(ConfigRegistry registry, Environment env) {
    return new PeerOptions(MetricsCallback.forPeer(registry, env),
        Memcached.resolve(registry, env));
  }

  public Optional<Memcached> memcached() {
    return memcached;
  }

  /** Every system property, in order, secrets included: never print this map. */
  public Map<String, String> systemProperties() {
    Map<String, String> props = new LinkedHashMap<>();
    metrics.ifPresent(m -> props.put(MetricsCallback.PEER_SYSTEM_PROPERTY, m.callback()));
    memcached.ifPresent(m -> props.putAll(m.peerSystemProperties()));
    return props;
  }

  /** Where the value of system property {@code name} came from, for a boot summary. */
  public String sourceOf(String name) {
    if (name.equals(MetricsCallback.PEER_SYSTEM_PROPERTY)) {
      return metrics.map(MetricsCallback::source).orElse("");
    }
    return memcached.map(m -> m.summarySource()).orElse("");
  }

  /**
   * What peers in other apps add to use this app's cache: memcached's {@code -D} options (the
   * shipped metrics callback is not in their slug), the password masked unless revealed.
   */
  public List<String> otherAppsJvmOptions(boolean revealSecrets) {
    return memcached.map(m -> m.peerJvmOptions(revealSecrets)).orElse(List.of());
  }
}
