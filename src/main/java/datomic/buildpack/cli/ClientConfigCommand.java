package datomic.buildpack.cli;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.dyno.peerserver.ClientConfig;
import datomic.buildpack.output.Log;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints what a Client API app needs to reach this app's peer server, as EDN and env lines. */
@Command(name = "client-config",
    description = "Print the Client API config (EDN and env lines) for this app's peer server.",
    footer = "  datomic-buildpack client-config --show-secret")
final class ClientConfigCommand implements Callable<Integer> {

  @Option(names = "--show-secret",
      description = "Include the real secret (otherwise it is masked).")
  boolean showSecret;

  @Override
  public Integer call() {
    ClientConfig config = ClientConfig.read(ConfigRegistry.load(), Environment.system(),
        Log.system());
    System.out.print(config.render(showSecret));
    return 0;
  }
}
