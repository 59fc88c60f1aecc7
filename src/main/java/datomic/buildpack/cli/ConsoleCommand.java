package datomic.buildpack.cli;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.console.ConsoleBoot;
import datomic.buildpack.heroku.SlugLayout;
import datomic.buildpack.output.BuildLog;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The {@code console} process: prepares Datomic's Console against the app's storage and hands
 * the launcher script the command to exec (no JVM of ours stays beside it).
 */
@Command(name = "console",
    description = "Prepare Datomic's Console against the app's storage and print its command.",
    footer = "  datomic-buildpack console   (the Procfile's console: line)")
final class ConsoleCommand implements Callable<Integer> {
  @Mixin DynoOptions dyno;

  @Mixin ExecPlanOption execPlan;

  @Override
  public Integer call() throws Exception {
    SlugLayout slug = new SlugLayout(dyno.appDir.toAbsolutePath().normalize());
    List<String> command = new ConsoleBoot(ConfigRegistry.load(), Environment.system(), slug,
        BuildLog.system()).prepare();
    execPlan.write(command);
    return 0;
  }
}
