package datomic.buildpack.dyno.transactor;

import datomic.buildpack.catalog.DatomicVersion;
import datomic.buildpack.catalog.Edition;
import datomic.buildpack.catalog.VersionCatalog;
import datomic.buildpack.config.Advice;
import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.ConfigVar;
import datomic.buildpack.config.Environment;
import datomic.buildpack.config.ValueType;
import datomic.buildpack.dyno.BootSummary;
import datomic.buildpack.dyno.DynoMemory;
import datomic.buildpack.dyno.DynoNetwork;
import datomic.buildpack.dyno.Heap;
import datomic.buildpack.dyno.Size;
import datomic.buildpack.memcached.Memcached;
import datomic.buildpack.metrics.MetricsCallback;
import datomic.buildpack.output.Echo;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.Secrets;
import datomic.buildpack.output.UserError;
import datomic.buildpack.slug.AppFiles;
import datomic.buildpack.slug.BuildInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The transactor's properties for this boot, each with where it came from. Precedence, low to
 * high: built-in defaults (and memory derived from the dyno) &lt; the app's transactor.properties
 * &lt; add-ons (MemCachier) &lt; {@code DATOMIC_*} config vars &lt; facts of this dyno (storage
 * from the database URL, host).
 */
public final class TransactorConfig {
  /** A property's value and where it came from (for the boot summary). */
  public record Setting(String value, String source) {}

  /** Set from the database URL only; in transactor.properties they are ignored. */
  static final Set<String> STORAGE_KEYS =
      Set.of("protocol", "sql-url", "sql-user", "sql-password", "sql-driver-class");
  /** Secrets: fine in config vars, never in a file committed to the app. */
  static final Set<String> SECRET_KEYS = Set.of("license-key", "memcached-password",
      "sql-password", "storage-admin-password", "storage-datomic-password");
  /** The transactor's heap: DATOMIC_XMX, else derived from the dyno. */
  public static final Heap.Owner HEAP = new Heap.Owner("transactor", "DATOMIC_XMX", "transactor");
  static final String UNKNOWN_HEAP = "not known until the transactor dyno boots";
  static final String INDEX_THRESHOLD = "memory-index-threshold";
  static final String INDEX_MAX = "memory-index-max";
  static final String CACHE_MAX = "object-cache-max";

  private final Map<String, Setting> properties = new LinkedHashMap<>();
  private final long heapMb;
  private final String heapSource;
  private final Storage storage;

  private TransactorConfig(long heapMb, String heapSource, Storage storage) {
    this.heapMb = heapMb;
    this.heapSource = heapSource;
    this.storage = storage;
  }

  /** Everything a boot needs to decide the properties; {@code dyno} is empty in release phase. */
  public record Inputs(ConfigRegistry registry, Environment env, BuildInfo build, Path appProperties,
      Optional<DynoMemory> dyno, Storage storage, DynoNetwork network) {}

  public static TransactorConfig assemble(Inputs in, Log log) {
    ConfigRegistry registry = in.registry();
    Environment env = in.env();
    // The release phase runs on a dyno of its own: the transactor's heap is known at its boot.
    Heap decided = Heap.decide(registry, env, HEAP, in.dyno())
        .orElse(new Heap(1024, UNKNOWN_HEAP));
    long heap = decided.megabytes();
    String heapSource = decided.source();
    TransactorConfig config = new TransactorConfig(heap, heapSource, in.storage());

    for (ConfigVar var : registry.vars()) {
      if (var.kind() == ConfigVar.Kind.PROPERTY) {
        registry.value(env, var.name()).filter(v -> !env.get(var.name()).isPresent())
            .ifPresent(v -> config.put(var.property().orElseThrow(), v, "default"));
      }
    }
    if (MetricsCallback.shippedOn(registry, env)) {
      config.put(MetricsCallback.PROPERTY, MetricsCallback.SHIPPED, MetricsCallback.SHIPPED_SOURCE);
    }
    MemoryPlan derived = MemoryPlan.forHeap(heap);
    String derivedSource = "derived from the " + Size.format(heap) + " heap";
    config.put(INDEX_THRESHOLD, Size.format(derived.indexThresholdMb()), derivedSource);
    config.put(INDEX_MAX, Size.format(derived.indexMaxMb()), derivedSource);
    config.put(CACHE_MAX, Size.format(derived.cacheMaxMb()), derivedSource);

    config.readAppProperties(in.appProperties(), registry, log, Advice.of(env));
    // The MemCachier add-on sits between the app's file and the DATOMIC_MEMCACHED* config vars.
    Memcached.fromAddOn(env).ifPresent(m -> m.transactorProperties()
        .forEach((k, v) -> config.put(k, v.value(), v.source())));

    for (ConfigVar var : registry.vars()) {
      Optional<String> property = var.property();
      Optional<String> value = env.get(var.name());
      if (property.isPresent() && value.isPresent()) {
        config.put(property.get(), value.get(), "config var " + var.name());
      }
    }
    // The servers as the list rule reads them (blanks dropped, memcached's port added), the same
    // list the peers get.
    if (env.get(Memcached.SERVERS_VAR).isPresent()) {
      Memcached.resolve(registry, env).ifPresent(m -> config.put("memcached",
          m.servers().value(), m.servers().source()));
    }

    Storage storage = in.storage();
    config.put("protocol", storage.protocol(), storage.source());
    storage.properties().forEach((k, v) -> config.put(k, v, storage.source()));
    DynoNetwork net = in.network();
    config.put("host", net.host(), net.hostSource());
    net.altHost().ifPresent(alt -> config.put("alt-host", alt, net.altHostSource()));

    config.checkMemory(in.dyno());
    config.checkLicence(in.build(), env, Advice.of(env));
    return config;
  }

  private void readAppProperties(Path file, ConfigRegistry registry, Log log, Advice advice) {
    AppProperties app = loadAppProperties(registry, file, log, advice);
    if (app == null) {
      return;
    }
    for (Map.Entry<String, String> e : new TreeMap<>(app.values()).entrySet()) {
      if (!STORAGE_KEYS.contains(e.getKey())) {
        put(e.getKey(), e.getValue().strip(), "transactor.properties");
      }
    }
  }

  /**
   * Reads and checks the app's transactor.properties at build time, so that a bad one fails the
   * build rather than the release: a link must lead to a file inside the app; keys are read as
   * Datomic reads them.
   */
  public static void checkAppProperties(ConfigRegistry registry, Path file, Log log) {
    loadAppProperties(registry, file, log, Advice.build());
  }

  /** The app's transactor.properties, read and checked; null when the app has none. */
  private static AppProperties loadAppProperties(ConfigRegistry registry, Path file,
      Log log, Advice advice) {
    if (file == null) {
      return null;
    }
    Optional<Path> real = new AppFiles(file.getParent()).readable(file);
    if (real.isEmpty()) {
      return null;
    }
    AppProperties app = AppProperties.read(real.get());
    app.check(knownProperties(registry), SECRET_KEYS, log);
    Set<String> ignored = new TreeSet<>();
    Set<String> committedSecrets = new TreeSet<>();
    for (String key : app.values().keySet()) {
      if (STORAGE_KEYS.contains(key)) {
        ignored.add(key);
      } else if (SECRET_KEYS.contains(key)) {
        committedSecrets.add(key);
      }
    }
    if (!ignored.isEmpty()) {
      log.warning("transactor.properties sets " + String.join(", ", ignored)
              + "; they are ignored.",
          "Storage comes from the database URL config var at every boot (so credential",
          "rotation needs no rebuild). Remove those lines from transactor.properties.");
    }
    if (!committedSecrets.isEmpty()) {
      log.warning("transactor.properties holds a secret: " + String.join(", ", committedSecrets)
              + ".",
          "Secrets committed to the app end up in the slug. Move them to config vars,",
          "e.g. " + advice.configSet("DATOMIC_TRANSACTOR_KEY=...")
              + ", and delete them from the file.");
    }
    return app;
  }

  /** The transactor properties this buildpack knows: those config vars set, and storage's. */
  static Set<String> knownProperties(ConfigRegistry registry) {
    Set<String> known = new TreeSet<>(STORAGE_KEYS);
    for (ConfigVar var : registry.vars()) {
      var.property().ifPresent(known::add);
    }
    return known;
  }

  private void put(String key, String value, String source) {
    ValueType.hiddenCharacter(value, true).ifPresent(problem -> {
      throw new UserError("The value of " + Echo.value(key) + " (from " + source + ") is not"
              + " usable: " + problem + ".",
          "Transactor properties are one line of text each; fix the value.");
    });
    properties.put(key, new Setting(value, source));
  }

  private long sizeOf(String key) {
    Setting s = properties.get(key);
    try {
      return Size.megabytes(s.value());
    } catch (RuntimeException e) {
      throw new UserError(key + "=" + Echo.value(s.value()) + " (from " + s.source()
              + ") is not a usable size.",
          "Expected a size such as 256m or 2g, " + ValueType.SIZE_RANGE + ".");
    }
  }

  private void checkMemory(Optional<DynoMemory> dyno) {
    MemoryPlan plan = new MemoryPlan(heapMb, sizeOf(INDEX_THRESHOLD), sizeOf(INDEX_MAX),
        sizeOf(CACHE_MAX));
    if (heapKnown(dyno) && !plan.fitsHeap()) {
      throw new UserError("memory-index-max + object-cache-max exceed 75% of the heap;"
              + " the transactor would refuse to start.",
          INDEX_MAX + "=" + Size.format(plan.indexMaxMb()) + " (" + source(INDEX_MAX) + ") + "
              + CACHE_MAX + "=" + Size.format(plan.cacheMaxMb()) + " (" + source(CACHE_MAX)
              + ") = " + (plan.indexMaxMb() + plan.cacheMaxMb()) + "m,",
          "but 75% of the " + Size.format(heapMb) + " heap (" + heapSource + ") is "
              + plan.limitMb() + "m.",
          "Lower DATOMIC_MEMORY_INDEX_MAX or DATOMIC_OBJECT_CACHE_MAX, or raise DATOMIC_XMX.");
    }
    if (plan.indexThresholdMb() >= plan.indexMaxMb()) {
      throw new UserError("memory-index-threshold must be smaller than memory-index-max.",
          INDEX_THRESHOLD + "=" + properties.get(INDEX_THRESHOLD).value() + " ("
              + source(INDEX_THRESHOLD) + "), " + INDEX_MAX + "="
              + properties.get(INDEX_MAX).value() + " (" + source(INDEX_MAX) + ").");
    }
  }

  private boolean heapKnown(Optional<DynoMemory> dyno) {
    return dyno.isPresent() || !heapSource.equals(UNKNOWN_HEAP);
  }

  private void checkLicence(BuildInfo build, Environment env, Advice advice) {
    if (build.isFree() || properties.containsKey("license-key")) {
      return;
    }
    VersionCatalog catalog = VersionCatalog.load();
    if (catalog.isLegacyPro(Edition.PRO, DatomicVersion.of(build.version()))) {
      throw new UserError("Datomic Pro " + build.version() + " needs a licence key.",
          "Versions before " + catalog.noCostSince() + " run under a legacy licence:",
          advice.configSet("DATOMIC_TRANSACTOR_KEY", "<your licence key>"),
          "or move to a no-cost Pro version: " + advice.buildSetting("DATOMIC_VERSION", "latest"));
    }
  }

  private String source(String key) {
    return properties.get(key).source();
  }

  public long heapMb() {
    return heapMb;
  }

  public String heapSource() {
    return heapSource;
  }

  public Storage storage() {
    return storage;
  }

  public Map<String, Setting> properties() {
    return properties;
  }

  /** The metrics callback these properties name (the shipped one, the user's, or none). */
  public Optional<MetricsCallback> metricsCallback() {
    Setting s = properties.get(MetricsCallback.PROPERTY);
    return s == null ? Optional.empty()
        : MetricsCallback.ofProperty(Optional.of(s.value()), s.source());
  }

  /**
   * The properties file's text, escaped so that Datomic's {@link Properties} reads back exactly
   * the keys and values checked here (in ASCII, whatever encoding it reads with). Holds secrets:
   * written only to a private file.
   */
  public String render() {
    StringBuilder out = new StringBuilder(
        "# Rendered by the Datomic buildpack at dyno boot; do not edit.\n");
    properties.forEach((k, s) -> out.append(AppProperties.escape(k, true)).append('=')
        .append(AppProperties.escape(s.value(), false)).append('\n'));
    return out.toString();
  }

  /**
   * Lines for the boot summary: values and where each came from; the value of a secret (a key
   * the buildpack knows, or one whose name says it is: {@link Secrets#namesASecret}) masked.
   */
  public List<String> summary() {
    List<String> lines = new ArrayList<>();
    properties.forEach((k, s) -> lines.add(BootSummary.line(k,
        SECRET_KEYS.contains(k) || Secrets.namesASecret(k) ? Secrets.MASK : s.value(),
        s.source())));
    return lines;
  }
}
