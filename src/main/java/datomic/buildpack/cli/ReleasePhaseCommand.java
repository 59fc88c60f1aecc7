package datomic.buildpack.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "release-phase", description = "TODO")
final class ReleasePhaseCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 0;
  }
}
