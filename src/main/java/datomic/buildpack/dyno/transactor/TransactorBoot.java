package datomic.buildpack.dyno.transactor;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.dyno.BootContext;
import datomic.buildpack.dyno.DynoMemory;
import datomic.buildpack.dyno.DynoNetwork;
import datomic.buildpack.dyno.ExecPlan;
import datomic.buildpack.dyno.Heap;
import datomic.buildpack.dyno.RuntimeDir;
import datomic.buildpack.metrics.MetricsCallback;
import datomic.buildpack.output.Echo;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.Secrets;
import datomic.buildpack.output.UserError;
import datomic.buildpack.slug.BuildInfo;
import datomic.buildpack.slug.ProcessType;
import datomic.buildpack.slug.SlugLayout;
import datomic.buildpack.storage.ConnectionBudget;
import datomic.buildpack.storage.KvsBootstrap;
import datomic.buildpack.storage.PostgresUrl;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The transactor's room: what happens at a transactor dyno's boot ({@link #boot}) and in the
 * release phase ({@link #releaseChecks}), in order: check config vars, choose storage, refuse a
 * standby that cannot work, prepare Postgres, decide the properties, and print a summary that
 * says where each value came from. The boot then writes the properties to the dyno's private
 * runtime folder and returns the plan that execs {@code bin/transactor}.
 */
public final class TransactorBoot {
  /** The process type, naming its runtime folder. */
  public static final String PROCESS_TYPE = ProcessType.TRANSACTOR.type();

  /** A dyno Heroku runs; more digits than an int holds are not one (and never overflow). */
  private static final Pattern TRANSACTOR_DYNO = Pattern.compile("transactor\\.(\\d{1,9})");

  private final BootContext boot;
  private final ConfigRegistry registry;
  private final Environment env;
  private final SlugLayout slug;
  private final Log log;

  public TransactorBoot(BootContext boot) {
    this.boot = boot;
    this.registry = boot.registry();
    this.env = boot.env();
    this.slug = boot.slug();
    this.log = boot.log();
  }

  /**
   * A transactor dyno's boot: configuration decided for this dyno's memory, storage prepared,
   * summary printed, properties written; returns the plan that execs {@code bin/transactor}.
   */
  public ExecPlan boot() {
    TransactorConfig config = prepare(Optional.of(boot.memory()));
    Path properties = Launcher.writeProperties(
        RuntimeDir.forBoot(env, PROCESS_TYPE, slug.appDir()), config);
    log.detail("Starting " + slug.appDir().relativize(slug.distDir()) + "/bin/transactor");
    return Launcher.command(slug, config, properties, env.asMap());
  }

  /**
   * The release phase's checks of the transactor (it runs on a dyno of its own, so the memory
   * is checked at the transactor's boot): every config var, transactor.properties, the memory
   * settings, storage prepared.
   */
  public TransactorConfig releaseChecks() {
    return prepare(Optional.empty());
  }

  /**
   * Decides the transactor's configuration and prepares storage.
   *
   * @param dyno the dyno's memory, or empty in the release phase (it runs on another dyno)
   */
  private TransactorConfig prepare(Optional<DynoMemory> dyno) {
    boot.checkEnvironment();
    BuildInfo build = BuildInfo.read(slug);
    Storage storage = StorageSelector.select(registry, env, build, log);
    refuseUnsharedStandby(storage);
    DynoNetwork network = DynoNetwork.detect(env);
    TransactorConfig config = TransactorConfig.assemble(new TransactorConfig.Inputs(registry, env,
        build, slug.appProperties(), dyno, storage, network), log);
    Optional<KvsBootstrap> bootstrap = storage.database().map(this::bootstrap);
    String kvs = bootstrap.map(b -> "; " + b.ensureTable().describe()).orElse("");
    Optional<ConnectionBudget.Usage> connections =
        bootstrap.flatMap(b -> ConnectionBudget.read(b, log));

    boolean releasePhase = dyno.isEmpty();
    log.step("Datomic " + build.displayEdition() + " " + build.version()
        + (releasePhase ? " release checks" : " transactor")
        + env.get("DYNO").map(d -> " on " + Echo.value(d)).orElse(""));
    log.detail("storage   " + storage.description() + kvs + " (from " + storage.source() + ")");
    connections.ifPresent(usage -> ConnectionBudget.report(usage, connectionNeed(config),
        releasePhase, storage.database().orElseThrow().source(), log));
    Secrets secrets = registry.secrets(env);
    if (releasePhase) {
      log.detail("checked   every config var, transactor.properties and the memory settings");
      return config;
    }
    Heap heap = new Heap(config.heapMb(), config.heapSource());
    log.detail("heap      " + heap.xmx() + " " + heap.xms() + " (" + heap.source() + ")");
    config.summary().forEach(line -> log.detail(secrets.mask(line)));
    log.detail(MetricsCallback.summary(config.metricsCallback(), registry, env));
    dyno.filter(d -> d.megabytes() < 1024).ifPresent(d -> log.warning(
        "This dyno has " + d.megabytes() + " MB of memory; a transactor needs at least 1 GB.",
        boot.advice().dynoFor(PROCESS_TYPE, 1024).map(c -> "Use a larger dyno: " + c + ".")
            .orElse("Give it more memory.")));
    for (String fixed : new String[] {"DATOMIC_HOST", "DATOMIC_ALT_HOST"}) {
      if (env.get(fixed).isPresent() && dynoNumber() >= 2) {
        log.warning(fixed + " gives every transactor dyno the same address.",
            "With two dynos, peers cannot tell the standby from the active transactor.",
            "Unset it to let each dyno advertise its own: " + boot.advice().configUnset(fixed));
      }
    }
    if (!network.privateSpace() && env.get("DYNO").isPresent()) {
      log.warning("This dyno is not in a Private Space: peers on other dynos cannot reach"
              + " this transactor.",
          "Run the transactor app in a Heroku Private Space (heroku apps:create -s <space>).");
    }
    return config;
  }

  private void refuseUnsharedStandby(Storage storage) {
    Optional<String> dyno = env.get("DYNO");
    if (storage.shared() || dyno.isEmpty()) {
      return;
    }
    if (dynoNumber() >= 2) {
      throw new UserError(Echo.value(dyno.get()) + " cannot run as a standby with "
              + storage.protocol() + " storage.",
          "Each dyno's " + storage.protocol() + " storage lives on its own disk, so a standby",
          "would never see the active transactor's data. Failover needs shared storage:",
          "free".equals(storage.protocol())
              ? "Datomic Pro with Heroku Postgres (" + boot.advice().configUnset("DATOMIC_EDITION")
                  + "),"
              : "heroku addons:create heroku-postgresql -a <app>,",
          "or scale back to one dyno: " + boot.advice().psScale("transactor=1"));
    }
  }

  /** N of a {@code transactor.N} dyno; 0 for any other process (or a local run). */
  private int dynoNumber() {
    Matcher m = TRANSACTOR_DYNO.matcher(env.get("DYNO").orElse(""));
    return m.matches() ? Integer.parseInt(m.group(1)) : 0;
  }

  private KvsBootstrap bootstrap(PostgresUrl url) {
    return KvsBootstrap.forUrl(url, registry, env).log(log);
  }

  /** The transactor's pool from its properties (Datomic's defaults when unset) and the peers'. */
  private ConnectionBudget.Need connectionNeed(TransactorConfig config) {
    java.util.function.Function<String, Optional<String>> property = key ->
        Optional.ofNullable(config.properties().get(key)).map(TransactorConfig.Setting::value);
    return new ConnectionBudget.Need(
        ConnectionBudget.number(property.apply("write-concurrency"),
            ConnectionBudget.DEFAULT_WRITE_CONCURRENCY),
        ConnectionBudget.number(property.apply("read-concurrency"),
            ConnectionBudget.DEFAULT_READ_CONCURRENCY),
        ConnectionBudget.number(registry.value(env, ConnectionBudget.PEERS_SETTING), 10));
  }

}
