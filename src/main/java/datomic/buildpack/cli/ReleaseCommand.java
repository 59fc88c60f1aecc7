package datomic.buildpack.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "release", description = "TODO")
final class ReleaseCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 0;
  }
}
