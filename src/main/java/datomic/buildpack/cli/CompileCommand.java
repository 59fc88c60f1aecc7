package datomic.buildpack.cli;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.distribution.DistributionInstaller;
import datomic.buildpack.distribution.InstalledDistribution;
import datomic.buildpack.heroku.BuildInfo;
import datomic.buildpack.heroku.CacheMarker;
import datomic.buildpack.heroku.SlugLayout;
import datomic.buildpack.heroku.SlugWriter;
import datomic.buildpack.output.BuildLog;
import datomic.buildpack.output.UserError;
import datomic.buildpack.transactor.StorageSelector;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/compile BUILD_DIR CACHE_DIR ENV_DIR}: installs Datomic and the launcher into the
 * slug. Storage, host and memory are not decided here but at every dyno boot.
 */
@Command(name = "compile", description = "Install Datomic and the transactor launcher into BUILD_DIR.")
final class CompileCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "BUILD_DIR")
  Path buildDir;

  @Parameters(index = "1", paramLabel = "CACHE_DIR")
  Path cacheDir;

  @Parameters(index = "2", paramLabel = "ENV_DIR")
  Path envDir;

  @Override
  public Integer call() throws Exception {
    BuildLog log = BuildLog.system();
    if (!Files.isDirectory(buildDir)) {
      throw new UserError("BUILD_DIR " + buildDir + " is not a folder.",
          "Usage: bin/compile BUILD_DIR CACHE_DIR ENV_DIR");
    }
    buildDir = buildDir.toAbsolutePath().normalize();
    cacheDir = cacheDir.toAbsolutePath().normalize();
    log.step("Datomic transactor buildpack " + BuildpackVersion.current());

    ConfigRegistry registry = ConfigRegistry.load();
    Environment env = Environment.fromEnvDir(envDir);
    registry.validate(env, log);
    CacheMarker.Outcome cache =
        CacheMarker.check(cacheDir, System.getenv("STACK"), BuildpackVersion.current(), log);

    SlugLayout slug = new SlugLayout(buildDir);
    InstalledDistribution dist = new DistributionInstaller(registry, env, log)
        .install(cache.usable() ? cacheDir : null, slug.distDir());

    BuildInfo info = new BuildInfo(dist.edition(), dist.version(), dist.sha256(),
        BuildpackVersion.current());
    SlugWriter writer = new SlugWriter(slug, log);
    writer.writeLauncher(ownJar(), info);
    writer.writeProcfile();

    log.step("Datomic " + info.displayEdition() + " " + dist.version() + " is ready");
    log.detail("Storage, host and memory are set from config vars at each dyno boot.");
    if (!info.isFree() && !StorageSelector.databaseConfigured(registry, env)) {
      log.detail("No database yet: add one with heroku addons:create heroku-postgresql");
    }
    log.detail("Scale to two dynos for failover: heroku ps:scale transactor=2");
    return 0;
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
