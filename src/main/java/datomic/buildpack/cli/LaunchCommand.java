package datomic.buildpack.cli;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.dyno.JavaExec;
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

/**
 * The {@code transactor} process: renders the properties for this boot into a private file and
 * hands the launcher script the command to exec (so no JVM of ours stays next to the transactor).
 */
@Command(name = "launch", description = "Prepare this dyno's transactor and print its command.",
    footer = "  datomic-buildpack launch   (the Procfile's transactor: line)")
final class LaunchCommand implements Callable<Integer> {
  @Mixin DynoOptions dyno;

  @Mixin ExecPlanOption execPlan;

  @Override
  public Integer call() throws Exception {
    BuildLog log = BuildLog.system();
    SlugLayout slug = new SlugLayout(dyno.appDir.toAbsolutePath().normalize());
    Environment env = Environment.system();
    TransactorConfig config = new BootPlan(ConfigRegistry.load(), env, slug, log)
        .prepare(Optional.of(DynoMemory.detect(dyno.cgroupRoot)));
    // What the transactor gets from this environment must be text, never silently dropped.
    JavaExec.PASSED_ON.forEach(env::get);
    Path properties = Launcher.writeProperties(
        RuntimeDir.forBoot(env, "transactor", slug.appDir()), config);
    List<String> command = Launcher.command(slug, config, properties, env.asMap());
    execPlan.write(command);
    log.detail("Starting " + slug.appDir().relativize(slug.distDir()) + "/bin/transactor");
    return 0;
  }
}
