package datomic.buildpack.cli;

import datomic.buildpack.build.BuildData;
import datomic.buildpack.build.BuildpackVersion;
import datomic.buildpack.build.CacheMarker;
import datomic.buildpack.build.JdkTrim;
import datomic.buildpack.build.SlugSize;
import datomic.buildpack.build.SlugWriter;
import datomic.buildpack.build.distribution.DistributionInstaller;
import datomic.buildpack.build.distribution.InstalledDistribution;
import datomic.buildpack.build.distribution.version.StickyVersion;
import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.dyno.transactor.StorageSelector;
import datomic.buildpack.dyno.transactor.TransactorConfig;
import datomic.buildpack.heroku.ProcfileStep;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.UserError;
import datomic.buildpack.slug.AppFiles;
import datomic.buildpack.slug.BuildInfo;
import datomic.buildpack.slug.SlugLayout;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/compile BUILD_DIR CACHE_DIR ENV_DIR}: installs Datomic and the launcher into the
 * slug. Storage, host and memory are not decided here but at every dyno boot. Each step and the
 * failure's category, if any, go into the build data that {@code bin/report} prints.
 */
@Command(name = "compile", description = "Install Datomic and the transactor launcher into BUILD_DIR.")
final class CompileCommand implements Callable<Integer> {
  /** Who installed .jdk, as the bin/compile shim records it in the build data. */
  static final String THIS_BUILDPACK = "this-buildpack";

  @Parameters(index = "0", paramLabel = "BUILD_DIR")
  Path buildDir;

  @Parameters(index = "1", paramLabel = "CACHE_DIR")
  Path cacheDir;

  @Parameters(index = "2", paramLabel = "ENV_DIR")
  Path envDir;

  private String step = "config";

  @Override
  public Integer call() throws Exception {
    Log log = Log.system();
    if (!Files.isDirectory(buildDir)) {
      throw new UserError("BUILD_DIR " + buildDir + " is not a folder.",
          "Usage: bin/compile BUILD_DIR CACHE_DIR ENV_DIR");
    }
    buildDir = buildDir.toAbsolutePath().normalize();
    cacheDir = cacheDir.toAbsolutePath().normalize();
    BuildData data = BuildData.of(cacheDir);
    try {
      return compile(log, data);
    } catch (Exception | Error e) {
      data.put("failure_category", BuildData.category(step, e));
      throw e;
    }
  }

  private int compile(Log log, BuildData data) throws Exception {
    data.step(step);
    log.step("Datomic transactor buildpack " + BuildpackVersion.current());
    data.put("buildpack_version", BuildpackVersion.current());
    ConfigRegistry registry = ConfigRegistry.load();
    Environment env = Environment.fromEnvDir(envDir);
    registry.validate(env, log);
    // A failure no user can cause, on purpose: how the tests see the unexpected-error path end to
    // end. Only the build's own process environment holds it (bin/compile exports no config var).
    if ("compile".equals(System.getenv("DATOMIC_BUILDPACK_FAILPOINT"))) {
      throw new IllegalStateException("DATOMIC_BUILDPACK_FAILPOINT=compile");
    }
    SlugLayout slug = new SlugLayout(buildDir);
    checkAppFiles(slug);
    TransactorConfig.checkAppProperties(registry, slug.appProperties(), log);
    CacheMarker.Outcome cache =
        CacheMarker.check(cacheDir, System.getenv("STACK"), BuildpackVersion.identity(), log);
    if (!cache.reasons().isEmpty()) {
      data.put("cache_status", "cleared");
      data.put("cache_reason", String.join("; ", cache.reasons()));
    }

    step("datomic", data);
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

    step("launcher", data);
    BuildInfo info = new BuildInfo(dist.edition(), dist.version(), dist.sha256(),
        BuildpackVersion.current());
    SlugWriter writer = new SlugWriter(slug, log);
    writer.writeLauncher(ownJar(), info);
    ProcfileStep.apply(slug, log);

    step("slug", data);
    String jdkNote = jdk(slug, data, log);
    SlugSize.Parts parts = SlugSize.measure(slug);
    SlugSize.print(parts, jdkNote, limit("DATOMIC_BUILDPACK_SLUG_WARN_BYTES", SlugSize.WARN_BYTES),
        limit("DATOMIC_BUILDPACK_SLUG_LIMIT_BYTES", SlugSize.LIMIT_BYTES), log);
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
    return 0;
  }

  /**
   * Before anything is downloaded or written: no folder the build writes into is a link the app
   * committed (AppFiles says why each is refused), and the app files the dyno reads lead to files
   * inside the app.
   */
  private static void checkAppFiles(SlugLayout slug) {
    AppFiles files = new AppFiles(slug.appDir());
    files.checkFolder(slug.distDir()); // .datomic and .datomic/dist
    files.checkFolder(slug.binDir());
    files.checkFolder(slug.cljDir());
    files.checkFolder(slug.profileScript().getParent());
    files.readable(slug.appProperties());
    files.readable(slug.procfile());
  }

  private void step(String name, BuildData data) {
    step = name;
    data.step(name);
  }

  /**
   * Trims the JDK when this buildpack installed it (the shim recorded so), never one an earlier
   * buildpack installed; returns what the size table says about it.
   */
  private static String jdk(SlugLayout slug, BuildData data, Log log) {
    Path jdk = slug.jdkDir();
    String installedBy = data.get("jdk_installed_by").orElse("");
    if (Files.isSymbolicLink(jdk)) {
      return "(a link to a JDK outside the slug)";
    }
    if (!Files.isDirectory(jdk, LinkOption.NOFOLLOW_LINKS)) {
      return "(none in the slug: a local build runs the machine's Java)";
    }
    if (!installedBy.equals(THIS_BUILDPACK)) {
      return "(installed by an earlier buildpack; kept as it is)";
    }
    long saved = JdkTrim.trim(jdk, log);
    data.put("jdk_trimmed_bytes", saved);
    return "(installed by this buildpack" + (saved > 0 ? "; trimmed" : "") + ")";
  }

  /** A platform limit, or the smaller one a test sets through the buildpack's plumbing var. */
  private static long limit(String testVar, long platform) {
    String set = System.getenv(testVar);
    try {
      return set == null ? platform : Long.parseLong(set.strip());
    } catch (NumberFormatException e) {
      return platform;
    }
  }

  /** The jar this CLI runs from; it is copied into the slug for the dyno-side commands. */
  private static Path ownJar() throws URISyntaxException {
    Path jar = Path.of(CompileCommand.class.getProtectionDomain().getCodeSource().getLocation()
        .toURI());
    if (!jar.toString().toLowerCase(Locale.ROOT).endsWith(".jar")) {
      throw new UserError("The buildpack CLI is not running from its jar (" + jar + ").",
          "Build it with: mvn -B package -DskipTests, then run bin/compile again.");
    }
    return jar;
  }
}
