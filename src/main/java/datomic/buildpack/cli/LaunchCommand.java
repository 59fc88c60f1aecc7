package datomic.buildpack.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "launch", description = "TODO")
final class LaunchCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 0;
  }
}
