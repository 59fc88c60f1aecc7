package datomic.buildpack.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "peer-uri", description = "TODO")
final class PeerUriCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 0;
  }
}
