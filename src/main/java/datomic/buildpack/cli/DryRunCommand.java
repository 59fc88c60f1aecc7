package datomic.buildpack.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "dry-run", description = "TODO")
final class DryRunCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 0;
  }
}
