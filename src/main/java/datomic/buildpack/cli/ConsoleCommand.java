package datomic.buildpack.cli;

import datomic.buildpack.dyno.console.ConsoleBoot;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The {@code console} process: prepares Datomic's Console against the app's storage and hands
 * the launcher script the plan to exec (no JVM of ours stays beside it).
 */
@Command(name = "console",
    description = "Prepare Datomic's Console against the app's storage and start it.",
    footer = "  datomic-buildpack console   (the Procfile's console: line)")
final class ConsoleCommand implements Callable<Integer> {
  @Mixin DynoOptions dyno;

  @Override
  public Integer call() throws Exception {
    dyno.exec(new ConsoleBoot(dyno.context()).prepare());
    return 0;
  }
}
