package datomic.buildpack.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "config-vars", description = "TODO")
final class ConfigVarsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 0;
  }
}
