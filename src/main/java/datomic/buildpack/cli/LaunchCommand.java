package datomic.buildpack.cli;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.dyno.RuntimeDir;
import datomic.buildpack.heroku.SlugLayout;
import datomic.buildpack.output.BuildLog;
import datomic.buildpack.transactor.BootPlan;
import datomic.buildpack.dyno.DynoMemory;
import datomic.buildpack.transactor.Launcher;
import datomic.buildpack.transactor.TransactorConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code transactor} process: renders the properties for this boot into a private file and
 * hands the launcher script the command to exec (so no JVM of ours stays next to the transactor).
 */
@Command(name = "launch", description = "Prepare this dyno's transactor and print its command.")
final class LaunchCommand implements Callable<Integer> {
  @Mixin DynoOptions dyno;

  @Option(names = "--exec-plan", paramLabel = "FILE", required = true,
      description = "Where to write the command (NUL-separated) for the launcher script to exec.")
  Path execPlan;

  @Override
  public Integer call() throws Exception {
    BuildLog log = BuildLog.system();
    SlugLayout slug = new SlugLayout(dyno.appDir.toAbsolutePath().normalize());
    Environment env = Environment.system();
    TransactorConfig config = new BootPlan(ConfigRegistry.load(), env, slug, log)
        .prepare(Optional.of(DynoMemory.detect(dyno.cgroupRoot)));
    Path properties = Launcher.writeProperties(
        RuntimeDir.forBoot(env, "transactor", slug.appDir()), config);
    List<String> command = Launcher.command(slug, config, properties, env.asMap());
    Launcher.writePlan(execPlan, command);
    log.detail("Starting " + slug.appDir().relativize(slug.distDir()) + "/bin/transactor");
    return 0;
  }
}
