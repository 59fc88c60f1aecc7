package datomic.buildpack.dyno.peerserver;

import datomic.buildpack.config.Advice;
import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.config.ValueList;
import datomic.buildpack.dyno.DynoMemory;
import datomic.buildpack.dyno.DynoNetwork;
import datomic.buildpack.dyno.Heap;
import datomic.buildpack.output.UserError;
import datomic.buildpack.slug.ProcessType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The peer server's settings for this boot, each with where it came from, read from config vars
 * through the registry and checked: the databases it serves, the access keys (the current pair
 * and, while clients move, the previous one), where it listens, its heap, and extra system
 * properties for its JVM.
 */
public final class PeerServerConfig {
  /** The Procfile process type (its dynos' DNS names start {@code <n>.peer-server.}). */
  static final String PEER_SERVER_PROCESS = ProcessType.PEER_SERVER.type();
  /** Every config var of the peer server starts with this. */
  public static final String PREFIX = "DATOMIC_PEER_SERVER_";
  static final String DATABASES = "DATOMIC_PEER_SERVER_DATABASES";
  static final String ACCESS_KEY = "DATOMIC_PEER_SERVER_ACCESS_KEY";
  static final String SECRET = "DATOMIC_PEER_SERVER_SECRET";
  static final String PREVIOUS_ACCESS_KEY = "DATOMIC_PEER_SERVER_PREVIOUS_ACCESS_KEY";
  static final String PREVIOUS_SECRET = "DATOMIC_PEER_SERVER_PREVIOUS_SECRET";
  static final String HOST = "DATOMIC_PEER_SERVER_HOST";
  static final String PORT = "DATOMIC_PEER_SERVER_PORT";
  static final String CONCURRENCY = "DATOMIC_PEER_SERVER_CONCURRENCY";
  static final String XMX = "DATOMIC_PEER_SERVER_XMX";
  static final String CREATE_DATABASES = "DATOMIC_PEER_SERVER_CREATE_DATABASES";
  static final String TRANSACTOR_WAIT = "DATOMIC_PEER_SERVER_TRANSACTOR_WAIT";
  /**
   * The shortest secret a peer server takes: shorter ones are guessable, and too short to be
   * masked wherever Datomic's messages might hold them ({@code Secrets.MIN_MASKED_LENGTH}).
   */
  public static final int MIN_SECRET_LENGTH = 16;
  /** The peer server's heap: DATOMIC_PEER_SERVER_XMX, else derived from the dyno. */
  static final Heap.Owner HEAP = new Heap.Owner("peer server", XMX, PEER_SERVER_PROCESS);

  /** A value and where it came from (for the boot summary). */
  public record Setting(String value, String source) {}

  /** One {@code -a KEY,SECRET} pair. */
  public record AccessKey(String key, String secret, String source) {}

  /** A system property for the peer server's JVM; a secret one is masked in the summary. */
  public record SystemProperty(String value, String source, boolean secret) {}

  private final List<String> databases;
  private final List<AccessKey> accessKeys;
  private final DynoNetwork.Address host;
  private final Setting port;
  private final Optional<Setting> concurrency;
  private final Heap heap;
  private final Setting createDatabases;
  private final int transactorWaitSeconds;
  private final Map<String, SystemProperty> systemProperties = new LinkedHashMap<>();

  private PeerServerConfig(List<String> databases, List<AccessKey> accessKeys,
      DynoNetwork.Address host, Setting port, Optional<Setting> concurrency, Heap heap,
      Setting createDatabases, int transactorWaitSeconds) {
    this.databases = databases;
    this.accessKeys = accessKeys;
    this.host = host;
    this.port = port;
    this.concurrency = concurrency;
    this.heap = heap;
    this.createDatabases = createDatabases;
    this.transactorWaitSeconds = transactorWaitSeconds;
  }

  /**
   * Reads and checks the settings; refuses (with what to do) a missing or comma-holding key or
   * secret, one with a blank at either end, a secret shorter than {@value #MIN_SECRET_LENGTH}
   * characters, a half-set previous pair, bad database names, and a heap that does not fit.
   */
  public static PeerServerConfig read(ConfigRegistry registry, Environment env,
      DynoMemory dyno) {
    return read(registry, env, Optional.of(dyno));
  }

  /**
   * The release phase's check of the same settings, on a dyno of its own: everything but the
   * heap's fit to the peer server's dyno (checked at its boot).
   */
  public static void check(ConfigRegistry registry, Environment env) {
    read(registry, env, Optional.empty());
  }

  private static PeerServerConfig read(ConfigRegistry registry, Environment env,
      Optional<DynoMemory> dyno) {
    List<String> databases = databases(env);
    List<AccessKey> keys = new ArrayList<>();
    keys.add(currentKey(env));
    pair(env, PREVIOUS_ACCESS_KEY, PREVIOUS_SECRET, false).ifPresent(previous -> {
      if (previous.key().equals(keys.get(0).key())) {
        throw new UserError(PREVIOUS_ACCESS_KEY + " is the same as " + ACCESS_KEY + ".",
            "The previous pair is for the key clients used before a rotation; give the new pair"
                + " a new access key,",
            "or unset the previous pair: "
                + Advice.of(env).configUnset(PREVIOUS_ACCESS_KEY, PREVIOUS_SECRET));
      }
      keys.add(previous);
    });
    // Without the dyno (the release phase) only a set heap is decided, and checked alone.
    Heap heap = Heap.decide(registry, env, HEAP, dyno).orElse(null);
    Setting port = setting(registry, env, PORT).orElseThrow();
    return new PeerServerConfig(databases, List.copyOf(keys), DynoNetwork.address(env, HOST),
        port, setting(registry, env, CONCURRENCY), heap,
        setting(registry, env, CREATE_DATABASES).orElseThrow(),
        Integer.parseInt(registry.value(env, TRANSACTOR_WAIT).orElseThrow()));
  }

  static List<String> databases(Environment env) {
    Optional<String> list = env.get(DATABASES);
    if (list.isEmpty()) {
      throw new UserError(DATABASES + " is not set: the peer server has no database to serve.",
          "Name the databases it serves (comma-separated), e.g.:",
          Advice.of(env).configSet(DATABASES, "my-db"),
          "Create one first with: " + (Advice.of(env).local() ? ""
              : "heroku run ") + "datomic-buildpack create-database my-db");
    }
    return DatabaseNames.check(ValueList.items(list.get(), ',', "config var " + DATABASES,
        "database name", "db-1,db-2"), "config var " + DATABASES);
  }

  /** The current access key pair, refused like at boot when missing or holding a comma. */
  static AccessKey currentKey(Environment env) {
    return pair(env, ACCESS_KEY, SECRET, true).orElseThrow();
  }

  private static Optional<AccessKey> pair(Environment env, String keyVar, String secretVar,
      boolean required) {
    Optional<String> key = env.get(keyVar);
    Optional<String> secret = env.get(secretVar);
    if (!required && key.isEmpty() && secret.isEmpty()) {
      return Optional.empty();
    }
    for (String var : new String[] {keyVar, secretVar}) {
      Optional<String> value = env.get(var);
      if (value.isEmpty()) {
        boolean isSecret = var.equals(secretVar);
        throw new UserError(var + " is not set" + (required ? ": clients could not connect."
                : ", but " + (isSecret ? keyVar : secretVar) + " is."),
            "Clients connect to the peer server with an access key and its secret. Make one with:",
            Advice.of(env).configSetOutputOf(var, "openssl rand -hex " + (isSecret ? 32 : 16)),
            "and give the same value to the Client API apps (datomic-buildpack client-config).");
      }
      if (value.get().indexOf(',') >= 0) {
        // Never show the value: it is (or sits next to) a secret.
        throw new UserError(var + " contains a comma.",
            "The peer server reads -a KEY,SECRET up to the first comma, so the pair would not"
                + " match what clients send.",
            "Choose a value without commas, e.g.: " + Advice.of(env).configSetOutputOf(var,
                "openssl rand -hex " + (var.equals(secretVar) ? 32 : 16)));
      }
      if (!value.get().equals(value.get().strip())) {
        throw new UserError(var + " starts or ends with a blank.",
            "Clients would have to send it with the blank; config vars keep it as it was set.",
            "Set it again without: heroku config:set " + var + "=...");
      }
    }
    if (secret.get().length() < MIN_SECRET_LENGTH) {
      // Never say how long it is: that is half of guessing it.
      throw new UserError(secretVar + " is too short to be a secret (fewer than "
              + MIN_SECRET_LENGTH + " characters).",
          "Whoever guesses it, with the access key, can read and write every database the peer"
              + " server serves. Make a good one:",
          "heroku config:set " + secretVar + "=$(openssl rand -hex 24)",
          "and give the same value to the Client API apps (datomic-buildpack client-config).");
    }
    return Optional.of(new AccessKey(key.get(), secret.get(),
        "config vars " + keyVar + " / " + secretVar));
  }

  private static Optional<Setting> setting(ConfigRegistry registry, Environment env,
      String var) {
    return registry.value(env, var).map(v -> new Setting(v,
        registry.isSet(env, var) ? "config var " + var : "default"));
  }

  /**
   * Adds a system property for the peer server's JVM (set by the shipped main before Datomic
   * loads, so it is in no process argument): the place for a metrics callback
   * ({@code datomic.metricsCallback}) or memcached settings ({@code datomic.memcachedServers},
   * {@code datomic.memcachedUsername}, {@code datomic.memcachedPassword} as a secret).
   */
  public PeerServerConfig withSystemProperty(String name, String value, String source,
      boolean secret) {
    systemProperties.put(name, new SystemProperty(value, source, secret));
    return this;
  }

  public List<String> databases() {
    return databases;
  }

  public List<AccessKey> accessKeys() {
    return accessKeys;
  }

  public DynoNetwork.Address host() {
    return host;
  }

  public Setting port() {
    return port;
  }

  public Optional<Setting> concurrency() {
    return concurrency;
  }

  public Heap heap() {
    return heap;
  }

  public Setting createDatabases() {
    return createDatabases;
  }

  public boolean createsDatabases() {
    return "true".equals(createDatabases.value());
  }

  public int transactorWaitSeconds() {
    return transactorWaitSeconds;
  }

  public Map<String, SystemProperty> systemProperties() {
    return systemProperties;
  }
}
