package datomic.buildpack.dyno.peerserver;

import datomic.buildpack.config.Advice;
import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.config.Switches;
import datomic.buildpack.dyno.BootContext;
import datomic.buildpack.dyno.BootSummary;
import datomic.buildpack.dyno.DynoMemory;
import datomic.buildpack.dyno.DynoNetwork;
import datomic.buildpack.dyno.ExecPlan;
import datomic.buildpack.dyno.Heap;
import datomic.buildpack.dyno.JavaExec;
import datomic.buildpack.dyno.PeerStorage;
import datomic.buildpack.dyno.RuntimeDir;
import datomic.buildpack.files.Edn;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.Secrets;
import datomic.buildpack.output.UserError;
import datomic.buildpack.slug.BuildInfo;
import datomic.buildpack.slug.ProcessType;
import datomic.buildpack.slug.SlugLayout;
import datomic.buildpack.storage.PostgresUrl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code peer-server} dyno's boot, and {@code create-database}, in order: check config vars,
 * require Postgres, decide the settings, prepare the storage password (pgpass file), print a
 * summary that says where each value came from, write the plan for the shipped Clojure main into
 * the dyno's private runtime folder, and return the command the launcher script {@code exec}s:
 * the distribution's {@code bin/run -m datomic-buildpack.peer-server PLAN}. Secrets (access
 * keys' secrets, database URIs) are in the plan file only, never in the command.
 */
public final class PeerServerBoot {
  /** The shipped Clojure namespace bin/run starts (resources slug/clj/datomic_buildpack/). */
  public static final String MAIN_NS = "datomic-buildpack.peer-server";
  static final String PLAN_FILE = "peer-server.edn";
  static final String CREATE_COMMAND = "datomic-buildpack create-database";

  /** Who needs the storage and prints its URIs, as messages name it. */
  private static final String PROCESS = "The peer server";
  /** create-database's heap: derived from its one-off dyno (no config var sets it). */
  static final Heap.Owner CREATE_HEAP = new Heap.Owner("create-database", null, null);

  private final BootContext boot;
  private final ConfigRegistry registry;
  private final Environment env;
  private final SlugLayout slug;
  private final Log log;

  public PeerServerBoot(BootContext boot) {
    this.boot = boot;
    this.registry = boot.registry();
    this.env = boot.env();
    this.slug = boot.slug();
    this.log = boot.log();
  }

  /**
   * The {@code peer-server} process: settings read, storage prepared, summary printed, plan
   * returned. The peer-side options every peer of this app gets (the shipped metrics callback,
   * the memcached of MemCachier or {@code DATOMIC_MEMCACHED*}) become system properties the main
   * sets: in the private plan, so the memcached password is in no process argument.
   */
  public ExecPlan serve(DynoMemory dyno) {
    boot.checkEnvironment();
    PeerOptions peers = PeerOptions.of(registry, env);
    PeerServerConfig config = PeerServerConfig.read(registry, env, dyno);
    peers.systemProperties().forEach((name, value) -> config.withSystemProperty(name, value,
        peers.sourceOf(name), PeerOptions.SECRET_PROPERTIES.contains(name)));
    PostgresUrl url = boot.requirePostgres(PROCESS);
    boot.reachPostgres(url);
    RuntimeDir runtime = RuntimeDir.forBoot(env, ProcessType.PEER_SERVER.type(), slug.appDir());
    PeerStorage storage = PeerStorage.prepare(url, slug.distDir(), runtime)
        .refusePasswordInPrintedUri(PROCESS);
    Secrets secrets = registry.secrets(env).add(url.password().orElse(null));
    config.systemProperties().values().stream().filter(PeerServerConfig.SystemProperty::secret)
        .forEach(p -> secrets.add(p.value()));

    log.step(boot.heading("peer server"));
    summary(config, storage, secrets).forEach(line -> log.detail(secrets.mask(line)));
    warnings(config, dyno);

    Map<String, Object> plan = plan("serve", config.databases(), storage,
        config.createsDatabases(), config.transactorWaitSeconds(), secrets(config, url));
    plan.put(":peer-server-args", peerServerArgs(config, storage));
    Map<String, String> properties = new LinkedHashMap<>();
    config.systemProperties().forEach((k, p) -> properties.put(k, p.value()));
    plan.put(":system-properties", properties);
    Path planFile = runtime.write(PLAN_FILE, Edn.write(plan) + "\n");
    log.detail("Starting " + slug.appDir().relativize(slug.distDir()) + "/bin/run -m " + MAIN_NS);
    return command(config.heap(), storage, planFile);
  }

  /**
   * The release phase's checks of the peer server, when this app configures one (a
   * {@code DATOMIC_PEER_SERVER_*} config var is set): its settings as at its boot, and its
   * storage. Returns what was checked, or empty when there is no peer server to check.
   */
  public Optional<String> releaseChecks() {
    boolean configured = env.asMap().keySet().stream()
        .anyMatch(name -> name.startsWith(PeerServerConfig.PREFIX));
    if (!configured) {
      return Optional.empty();
    }
    PeerServerConfig.check(registry, env);
    PostgresUrl url = null;
    try {
      url = boot.requirePostgres(PROCESS);
    } catch (UserError e) {
      // Not the release's failure: the transactor may run on dev storage with the peer server
      // scaled to 0. Said now, before a peer-server dyno fails with it.
      List<String> lines = new ArrayList<>(List.of("A peer-server dyno will not start: "
          + e.summary()));
      lines.addAll(e.advice());
      log.warning(lines.get(0), lines.subList(1, lines.size()).toArray(String[]::new));
    }
    if (url != null) {
      PeerStorage.refusePasswordInPrintedUri(url, slug.distDir(), PROCESS);
    }
    return Optional.of("the peer server's settings (" + PeerServerConfig.PREFIX + "*)");
  }

  /** {@code create-database NAME...}: the same main, told to create the databases and exit. */
  public ExecPlan create(List<String> names, DynoMemory dyno) {
    boot.checkEnvironment();
    if (names.isEmpty()) {
      throw new UserError("Name the databases to create.",
          "Usage: datomic-buildpack create-database NAME...");
    }
    List<String> databases = DatabaseNames.check(names, "the command line");
    PostgresUrl url = boot.requirePostgres("create-database");
    boot.reachPostgres(url);
    RuntimeDir runtime = RuntimeDir.forBoot(env, "create-database", slug.appDir());
    PeerStorage storage = PeerStorage.prepare(url, slug.distDir(), runtime);
    int wait = Integer.parseInt(
        registry.value(env, PeerServerConfig.TRANSACTOR_WAIT).orElseThrow());
    Heap heap = Heap.decide(registry, env, CREATE_HEAP, Optional.of(dyno)).orElseThrow();
    BuildInfo build = boot.build();
    log.step("Datomic " + build.displayEdition() + " " + build.version()
        + ": creating " + String.join(", ", databases) + " through the distribution's peer library");
    log.detail(BootSummary.line("storage", storageDescription(url), "config var " + url.source()));
    log.detail(storage.passwordSummary());
    log.detail(BootSummary.line("transactor wait", wait + " s",
        boot.source(PeerServerConfig.TRANSACTOR_WAIT)));
    Map<String, Object> plan = plan("create", databases, storage, true, wait,
        new Secrets().add(url.password().orElse(null)));
    plan.put(":peer-server-args", List.of());
    plan.put(":system-properties", Map.of());
    Path planFile = runtime.write(PLAN_FILE, Edn.write(plan) + "\n");
    return command(heap, storage, planFile);
  }

  private List<String> summary(PeerServerConfig config, PeerStorage storage, Secrets secrets) {
    List<String> lines = new ArrayList<>();
    PostgresUrl url = storage.url();
    lines.add(BootSummary.line("storage", storageDescription(url), "config var " + url.source()));
    lines.add(storage.passwordSummary());
    lines.add(BootSummary.line("heap", config.heap().xmx() + " " + config.heap().xms(),
        config.heap().source()));
    lines.add(BootSummary.line("listen", config.host().host() + ":" + config.port().value(),
        "host from " + config.host().source() + ", port " + config.port().source()));
    config.concurrency().ifPresent(c ->
        lines.add(BootSummary.line("concurrency", c.value(), c.source())));
    for (String db : config.databases()) {
      lines.add(BootSummary.line("database " + db, storage.shownUri(db),
          "config var " + PeerServerConfig.DATABASES));
    }
    lines.add(BootSummary.line("create missing databases", config.createDatabases().value(),
        config.createDatabases().source()));
    List<PeerServerConfig.AccessKey> keys = config.accessKeys();
    for (int i = 0; i < keys.size(); i++) {
      PeerServerConfig.AccessKey k = keys.get(i);
      lines.add(BootSummary.line(i == 0 ? "access key" : "previous access key",
          k.key() + " / " + Secrets.MASK, k.source()));
    }
    lines.add(BootSummary.line("transactor wait", config.transactorWaitSeconds() + " s",
        boot.source(PeerServerConfig.TRANSACTOR_WAIT)));
    config.systemProperties().forEach((name, p) -> lines.add(BootSummary.line("-D" + name,
        p.secret() || Secrets.namesASecret(name) ? Secrets.MASK : p.value(), p.source())));
    return lines;
  }

  private void warnings(PeerServerConfig config, DynoMemory dyno) {
    if (dyno.megabytes() < 1024) {
      log.warning("This dyno has " + dyno.megabytes() + " MB of memory; a peer server needs at"
              + " least 1 GB.",
          "It is a full peer: object cache and the memory index of every database it serves.",
          boot.advice().dynoFor(PeerServerConfig.PEER_SERVER_PROCESS, 1024)
              .map(c -> "Use a larger dyno: " + c + ".").orElse("Give it more memory."));
    }
    if (!DynoNetwork.inPrivateSpace(env) && env.get("DYNO").isPresent()) {
      log.warning("This dyno is not in a Private Space: Client API apps on other dynos cannot"
              + " reach this peer server.",
          "Run the app in a Heroku Private Space (heroku apps:create -s <space>).");
    }
  }

  private static String storageDescription(PostgresUrl url) {
    return "Postgres " + url.host() + ":" + url.port() + "/" + url.database() + " as "
        + url.user() + " (sslmode=" + url.sslMode() + ")";
  }

  /** Secrets the main masks in any message it prints. */
  private static Secrets secrets(PeerServerConfig config, PostgresUrl url) {
    Secrets secrets = new Secrets().add(url.password().orElse(null));
    config.accessKeys().forEach(k -> secrets.add(k.secret()));
    config.systemProperties().values().stream().filter(PeerServerConfig.SystemProperty::secret)
        .forEach(p -> secrets.add(p.value()));
    return secrets;
  }

  private Map<String, Object> plan(String mode, List<String> databases, PeerStorage storage,
      boolean create, int waitSeconds, Secrets secrets) {
    Map<String, Object> plan = new LinkedHashMap<>();
    plan.put(":mode", mode);
    List<Object> dbs = new ArrayList<>();
    databases.forEach(db -> dbs.add(List.of(db, storage.uri(db))));
    plan.put(":databases", dbs);
    plan.put(":create-databases", create);
    plan.put(":wait-ms", waitSeconds * 1000L);
    plan.put(":backoff-ms", Switches.of(env).backoff().map(Duration::toMillis).orElse(500L));
    plan.put(":create-command", CREATE_COMMAND);
    // The masking rule of every message (output.Secrets), as regular expressions for the main.
    plan.put(":mask-rules", secrets.rules());
    // The main's messages suggest commands: rendered here, right for where this process runs.
    Advice advice = boot.advice();
    Map<String, String> commands = new LinkedHashMap<>();
    commands.put(":create", (advice.local() ? "" : "heroku run ") + CREATE_COMMAND);
    commands.put(":create-databases",
        advice.configSet(PeerServerConfig.CREATE_DATABASES + "=true"));
    commands.put(":start-transactor", advice.local() ? "heroku local transactor"
        : advice.psScale("transactor=1"));
    commands.put(":wait-longer",
        advice.configSet(PeerServerConfig.TRANSACTOR_WAIT + "=<seconds>"));
    plan.put(":advice", commands);
    plan.put(":storage", storageDescription(storage.url()));
    plan.put(":debug", Switches.of(env).debug());
    return plan;
  }

  /** The real peer server's arguments, exactly as Datomic documents them. */
  static List<String> peerServerArgs(PeerServerConfig config, PeerStorage storage) {
    List<String> args = new ArrayList<>(List.of("-h", config.host().host(),
        "-p", config.port().value()));
    config.concurrency().ifPresent(c -> {
      args.add("-c");
      args.add(c.value());
    });
    for (PeerServerConfig.AccessKey k : config.accessKeys()) {
      args.add("-a");
      args.add(k.key() + "," + k.secret());
    }
    for (String db : config.databases()) {
      args.add("-d");
      args.add(db + "," + storage.uri(db));
    }
    return args;
  }

  /** {@code bin/run -Xmx.. -Xms.. GC -D.. -m datomic-buildpack.peer-server PLAN}. */
  private ExecPlan command(Heap heap, PeerStorage storage, Path planFile) {
    return JavaExec.plan(env.asMap(), slug.appDir(), slug.distDir().resolve("bin/run"),
            List.of(slug.cljDir()), storage.environment())
        .arg(heap.xmx())
        .arg(heap.xms())
        .args(JavaExec.GC_OPTIONS)
        .arg("-Ddatomic.printConnectionInfo=false")
        .arg("-Dlogback.configurationFile=" + slug.logbackConfig())
        .arg("-m")
        .arg(MAIN_NS)
        .arg(planFile.toString());
  }
}
