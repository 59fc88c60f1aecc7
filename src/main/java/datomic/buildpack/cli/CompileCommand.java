package datomic.buildpack.cli;

import datomic.buildpack.compile.BuildData;
import datomic.buildpack.compile.BuildpackVersion;
import datomic.buildpack.compile.CacheMarker;
import datomic.buildpack.compile.JdkTrim;
import datomic.buildpack.compile.SlugSize;
import datomic.buildpack.compile.SlugWriter;
import datomic.buildpack.compile.distribution.DistributionInstaller;
import datomic.buildpack.compile.distribution.InstalledDistribution;
import datomic.buildpack.compile.distribution.version.StickyVersion;
import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.config.Switches;
import datomic.buildpack.dyno.transactor.StorageSelector;
import datomic.buildpack.dyno.transactor.TransactorConfig;
import datomic.buildpack.heroku.ProcfileStep;
import datomic.buildpack.output.Echo;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.UserError;
import datomic.buildpack.slug.AppFiles;
import datomic.buildpack.slug.BuildInfo;
import datomic.buildpack.slug.SlugLayout;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/compile BUILD_DIR CACHE_DIR ENV_DIR}: installs Datomic and the launcher into the
 * slug. Storage, host and memory are not decided here but at every dyno boot. Each step and the
 * failure's category, if any, go into the build data that {@code bin/report} prints.
 */
@Command(name = "compile", description = "Install Datomic and the transactor launcher into BUILD_DIR.")
final class CompileCommand implements Callable<Integer> {
  /** Who installed .jdk, as bin/compile tells: only this buildpack's own JDK is trimmed. */
  static final String THIS_BUILDPACK = "this-buildpack";
  private static final String USAGE =
      "datomic-buildpack compile [--jdk-installed-by=WHO] BUILD_DIR CACHE_DIR ENV_DIR";
  static final List<String> JDK_INSTALLERS = List.of(THIS_BUILDPACK, "earlier-buildpack", "machine");

  @Option(names = "--jdk-installed-by", paramLabel = "WHO", defaultValue = "earlier-buildpack",
      description = "Who installed BUILD_DIR/.jdk: this-buildpack (then it is trimmed for the"
          + " slug), earlier-buildpack or machine (kept as it is). Default: ${DEFAULT-VALUE}.")
  String jdkInstalledBy;

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
      throw new UserError("BUILD_DIR " + buildDir + " is not a folder.", "Usage: " + USAGE);
    }
    if (!JDK_INSTALLERS.contains(jdkInstalledBy)) {
      throw new UserError("--jdk-installed-by " + Echo.value(jdkInstalledBy) + " is none of "
          + String.join(", ", JDK_INSTALLERS) + ".", "Usage: " + USAGE);
    }
    buildDir = buildDir.toAbsolutePath().normalize();
    cacheDir = cacheDir.toAbsolutePath().normalize();
    BuildData data = BuildData.of(cacheDir);
    data.put("jdk_installed_by", jdkInstalledBy);
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
    Switches switches = Switches.system();
    if (switches.failsAt("compile")) {
      throw new IllegalStateException(Switches.FAILPOINT + "=compile");
    }
    SlugLayout slug = new SlugLayout(buildDir);
    checkAppFiles(slug);
    TransactorConfig.checkAppProperties(registry, slug.appProperties(), log);
    CacheMarker.Outcome cache =
        CacheMarker.check(cacheDir, System.getenv("STACK"), BuildpackVersion.current(), log);
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
   * Trims the JDK when this buildpack installed it (bin/compile says so), never one an earlier
   * buildpack installed; returns what the size table says about it.
   */
  private String jdk(SlugLayout slug, BuildData data, Log log) {
    Path jdk = slug.jdkDir();
    if (Files.isSymbolicLink(jdk)) {
      return "(a link to a JDK outside the slug)";
    }
    if (!Files.isDirectory(jdk, LinkOption.NOFOLLOW_LINKS)) {
      return "(none in the slug: a local build runs the machine's Java)";
    }
    if (!jdkInstalledBy.equals(THIS_BUILDPACK)) {
      return "(installed by an earlier buildpack; kept as it is)";
    }
    long saved = JdkTrim.trim(jdk, log);
    data.put("jdk_trimmed_bytes", saved);
    return "(installed by this buildpack" + (saved > 0 ? "; trimmed" : "") + ")";
  }

  /** A platform limit, or the smaller one a test sets through the buildpack's plumbing var. */
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
