package datomic.buildpack.cli;

import datomic.buildpack.compile.BuildData;
import datomic.buildpack.compile.SlugBuild;
import datomic.buildpack.config.Environment;
import datomic.buildpack.heroku.ProcfileStep;
import datomic.buildpack.output.Echo;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.UserError;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/compile BUILD_DIR CACHE_DIR ENV_DIR}: the Heroku classic API's build. It checks its
 * arguments and runs the build flow ({@link SlugBuild}) with the Procfile as its process step.
 */
@Command(name = "compile",
    description = "Install Datomic and the transactor launcher into BUILD_DIR.",
    footer = "  datomic-buildpack compile /tmp/build /tmp/cache /tmp/env   (what bin/compile runs)")
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

  @Parameters(index = "0", paramLabel = "BUILD_DIR",
      description = "The app being built (the slug to be).")
  Path buildDir;

  @Parameters(index = "1", paramLabel = "CACHE_DIR",
      description = "Kept between builds: the downloaded Datomic distribution.")
  Path cacheDir;

  @Parameters(index = "2", paramLabel = "ENV_DIR",
      description = "The app's config vars, one file each.")
  Path envDir;

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
    // The build flow, with the Heroku classic API's one step of its own: the Procfile.
    new SlugBuild(buildDir, cacheDir, Environment.fromEnvDir(envDir),
        jdkInstalledBy.equals(THIS_BUILDPACK), data, log).run(ownJar(), ProcfileStep::apply);
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
