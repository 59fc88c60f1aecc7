package datomic.buildpack.cli;

import datomic.buildpack.dyno.transactor.TransactorBoot;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The {@code transactor} process: renders the properties for this boot into a private file and
 * hands the launcher script the plan to exec (so no JVM of ours stays next to the transactor).
 */
@Command(name = "launch", description = "Prepare this dyno's transactor and start it.",
    footer = "  datomic-buildpack launch   (the Procfile's transactor: line)")
final class LaunchCommand implements Callable<Integer> {
  @Mixin DynoOptions dyno;

  @Override
  public Integer call() throws Exception {
    dyno.exec(new TransactorBoot(dyno.context()).boot());
    return 0;
  }
}
