package datomic.buildpack.dyno.peerserver;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.memcached.Memcached;
import datomic.buildpack.metrics.MetricsCallback;
import datomic.buildpack.slug.SlugLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a peer-side Datomic JVM needs besides its storage URI, from the same config vars as the
 * transactor: the metrics callback ({@code -Ddatomic.metricsCallback}, and {@code .datomic/clj}
 * on {@code DATOMIC_EXT_CLASSPATH} for the shipped one) and memcached
 * ({@code -Ddatomic.memcachedServers}, {@code ...Username}, {@code ...Password}). For processes
 * the buildpack starts (the peer server) and, memcached only, for peers in other apps
 * ({@code peer-uri}).
 *
 * <p>Secrets stay out of process arguments: {@link #jvmOptions()} holds only the non-secret
 * options; the secret ones go to a private argument file ({@link #writeSecretArgFile(Path)}) that
 * the child's {@code JDK_JAVA_OPTIONS=@FILE} hands to its JVM (Datomic's scripts start
 * {@code java}; the launcher prints only the file's path, never its content).
 */
public final class PeerOptions {
  /** System properties that hold secrets. */
  public static final Set<String> SECRET_PROPERTIES = Set.of("datomic.memcachedPassword");
  public static final String JDK_JAVA_OPTIONS = "JDK_JAVA_OPTIONS";

  private final SlugLayout slug;
  private final Environment env;
  private final Optional<MetricsCallback> metrics;
  private final Optional<Memcached> memcached;

  private PeerOptions(SlugLayout slug, Environment env, Optional<MetricsCallback> metrics,
      Optional<Memcached> memcached) {
    this.slug = slug;
    this.env = env;
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
  public static PeerOptions of(ConfigRegistry registry, Environment env, SlugLayout slug) {
    return new PeerOptions(slug, env, MetricsCallback.forPeer(registry, env),
        Memcached.resolve(registry, env));
  }

  public Optional<MetricsCallback> metrics() {
    return metrics;
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

  /** The non-secret ones as {@code -Dname=value}: safe for a command line. */
  public List<String> jvmOptions() {
    List<String> options = new ArrayList<>();
    systemProperties().forEach((k, v) -> {
      if (!SECRET_PROPERTIES.contains(k)) {
        options.add("-D" + k + "=" + v);
      }
    });
    return options;
  }

  /** Whether any property is secret (then {@link #writeSecretArgFile(Path)} has work to do). */
  public boolean hasSecrets() {
    return systemProperties().keySet().stream().anyMatch(SECRET_PROPERTIES::contains);
  }

  /**
   * Writes the secret options to {@code file} (mode 0600, replaced if present) in the JVM's
   * argument-file syntax, and returns the {@code JDK_JAVA_OPTIONS} value that makes a child JVM
   * read it. The file belongs in the dyno's private runtime folder.
   */
  public String writeSecretArgFile(Path file) throws IOException {
    StringBuilder text = new StringBuilder();
    systemProperties().forEach((k, v) -> {
      if (SECRET_PROPERTIES.contains(k)) {
        text.append(quoteArg("-D" + k + "=" + v)).append('\n');
      }
    });
    Files.deleteIfExists(file);
    Files.createFile(file,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.WRITE);
    return "@" + file;
  }

  /** One argument of a JVM argument file: double-quoted, with {@code \ " CR LF} escaped. */
  static String quoteArg(String arg) {
    return "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
        .replace("\r", "\\r") + "\"";
  }

  /**
   * Classpath entries the child needs (the shipped callback's folder), for
   * {@code JavaExec.environment(env, appDir, classpathEntries(), ...)}, which puts them before the
   * app's own {@code DATOMIC_EXT_CLASSPATH}.
   */
  public List<Path> classpathEntries() {
    return metrics.map(m -> m.classpathEntries(slug)).orElse(List.of());
  }

  /** Lines for a boot summary (the password never). */
  public List<String> summary(ConfigRegistry registry) {
    List<String> lines = new ArrayList<>();
    lines.add(MetricsCallback.summary(metrics, registry, env));
    memcached.ifPresent(m -> lines.add(m.summary()));
    return lines;
  }

  /**
   * What peers in other apps add to use this app's cache: memcached's {@code -D} options (the
   * shipped metrics callback is not in their slug), the password masked unless revealed.
   */
  public List<String> otherAppsJvmOptions(boolean revealSecrets) {
    return memcached.map(m -> m.peerJvmOptions(revealSecrets)).orElse(List.of());
  }
}
