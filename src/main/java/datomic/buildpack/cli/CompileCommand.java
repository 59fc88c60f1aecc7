package datomic.buildpack.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "compile", description = "TODO")
final class CompileCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 0;
  }
}
