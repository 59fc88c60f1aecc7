package datomic.buildpack.compile;

import datomic.buildpack.compile.distribution.DistributionInstaller;
import datomic.buildpack.compile.distribution.InstalledDistribution;
import datomic.buildpack.compile.distribution.version.StickyVersion;
import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.config.Switches;
import datomic.buildpack.dyno.transactor.StorageSelector;
import datomic.buildpack.dyno.transactor.TransactorConfig;
import datomic.buildpack.output.Log;
import datomic.buildpack.slug.AppFiles;
import datomic.buildpack.slug.BuildInfo;
import datomic.buildpack.slug.SlugLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The build flow every packaging runs: the Heroku classic {@code bin/compile} today, a Cloud
 * Native Buildpack's {@code bin/build} next. It installs Datomic and the launcher into the app
 * (the slug); storage, host and memory are not decided here but at every dyno boot. The one step
 * a packaging brings is how the slug's processes are named ({@link ProcessStep}).
 */
public final class SlugBuild {
  /** How a packaging names the processes of the slug (Heroku: the Procfile). */
  @FunctionalInterface
  public interface ProcessStep {
    void apply(SlugLayout slug, Log log) throws IOException;
  }

  private final SlugLayout slug;
  private final Path cacheDir;
  private final Environment env;
  private final boolean ownJdk;
  private final BuildData data;
  private final Log log;
  private String step = "config";

  /**
   * @param ownJdk whether this buildpack installed the app's {@code .jdk} (only then is it
   *     trimmed)
   */
  public SlugBuild(Path appDir, Path cacheDir, Environment env, boolean ownJdk, BuildData data,
      Log log) {
    this.slug = new SlugLayout(appDir);
    this.cacheDir = cacheDir;
    this.env = env;
    this.ownJdk = ownJdk;
    this.data = data;
    this.log = log;
  }

  /**
   * Runs the build: config vars, the app's files, Datomic installed (from the cache when it holds
   * it), the launcher and the CLI jar written, the packaging's process step, the JDK trimmed, the
   * slug measured. Each step and a failure's category go into the build data.
   *
   * @param cliJar the CLI jar to put into the slug (the one running)
   * @param processes the packaging's step that names the slug's processes (Heroku: the Procfile)
   */
  public void run(Path cliJar, ProcessStep processes) throws Exception {
    try {
      steps(cliJar, processes);
    } catch (Exception | Error e) {
      data.put("failure_category", BuildData.category(step, e));
      throw e;
    }
  }

  private void steps(Path cliJar, ProcessStep processes) throws Exception {
    data.step(step);
    log.step("Datomic transactor buildpack " + BuildpackVersion.current());
    data.put("buildpack_version", BuildpackVersion.current());
    ConfigRegistry registry = ConfigRegistry.load();
    registry.validate(env, log);
    // A failure no user can cause, on purpose: how the tests see the unexpected-error path end to
    // end. Only the build's own process environment holds it (bin/compile exports no config var).
    Switches switches = Switches.system();
    if (switches.failsAt("compile")) {
      throw new IllegalStateException(Switches.FAILPOINT + "=compile");
    }
    checkAppFiles();
    TransactorConfig.checkAppProperties(registry, slug.appProperties(), log);
    CacheMarker.Outcome cache =
        CacheMarker.check(cacheDir, System.getenv("STACK"), BuildpackVersion.identity(), log);
    if (!cache.reasons().isEmpty()) {
      data.put("cache_status", "cleared");
      data.put("cache_reason", String.join("; ", cache.reasons()));
    }

    step("datomic");
    InstalledDistribution dist = new DistributionInstaller(registry, env, log)
        .install(cache.usable() ? cacheDir : null, slug.distDir());
    StickyVersion.record(cacheDir, dist, log);
    data.put("datomic_edition", dist.edition());
    data.put("datomic_version", dist.version());
    data.put("datomic_sha256", dist.sha256());
    if (cache.reasons().isEmpty()) {
      data.put("cache_status", dist.cache());
      data.put("cache_reason", dist.cacheReason());
    }

    step("launcher");
    BuildInfo info = new BuildInfo(dist.edition(), dist.version(), dist.sha256(),
        BuildpackVersion.current());
    SlugWriter writer = new SlugWriter(slug, log);
    writer.writeLauncher(cliJar, info);
    processes.apply(slug, log);

    step("slug");
    String jdkNote = jdk();
    SlugSize.Parts parts = SlugSize.measure(slug);
    SlugSize.print(parts, jdkNote, switches.bytes(Switches.SLUG_WARN_BYTES, SlugSize.WARN_BYTES),
        switches.bytes(Switches.SLUG_LIMIT_BYTES, SlugSize.LIMIT_BYTES), log);
    data.put("slug_jdk_bytes", parts.jdk());
    data.put("slug_datomic_bytes", parts.datomic());
    data.put("slug_buildpack_bytes", parts.buildpack());
    data.put("slug_app_bytes", parts.app());
    data.put("slug_total_bytes", parts.total());

    log.step("Datomic " + info.displayEdition() + " " + dist.version() + " is ready");
    log.detail("Storage, host and memory are set from config vars at each dyno boot.");
    if (!info.isFree() && !StorageSelector.databaseConfigured(registry, env)) {
      log.detail("No database yet: add one with heroku addons:create heroku-postgresql");
    }
    log.detail("Scale to two dynos for failover: heroku ps:scale transactor=2");
  }

  /**
   * Before anything is downloaded or written: no folder the build writes into is a link the app
   * committed (AppFiles says why each is refused), and the app files the dyno reads lead to files
   * inside the app.
   */
  private void checkAppFiles() {
    AppFiles files = new AppFiles(slug.appDir());
    files.checkFolder(slug.distDir()); // .datomic and .datomic/dist
    files.checkFolder(slug.binDir());
    files.checkFolder(slug.cljDir());
    files.checkFolder(slug.profileScript().getParent());
    files.readable(slug.appProperties());
    files.readable(slug.procfile());
  }

  private void step(String name) {
    step = name;
    data.step(name);
  }

  /**
   * Trims the JDK when this buildpack installed it (the adapter says so), never one an earlier
   * buildpack installed; returns what the size table says about it.
   */
  private String jdk() {
    Path jdk = slug.jdkDir();
    if (Files.isSymbolicLink(jdk)) {
      return "(a link to a JDK outside the slug)";
    }
    if (!Files.isDirectory(jdk, LinkOption.NOFOLLOW_LINKS)) {
      return "(none in the slug: a local build runs the machine's Java)";
    }
    if (!ownJdk) {
      return "(installed by an earlier buildpack; kept as it is)";
    }
    long saved = JdkTrim.trim(jdk, log);
    data.put("jdk_trimmed_bytes", saved);
    return "(installed by this buildpack" + (saved > 0 ? "; trimmed" : "") + ")";
  }
}
