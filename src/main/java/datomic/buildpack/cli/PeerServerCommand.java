package datomic.buildpack.cli;

import datomic.buildpack.dyno.BootContext;
import datomic.buildpack.dyno.peerserver.PeerServerBoot;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The {@code peer-server} process: checks its settings, writes the peer server's real arguments
 * into a private file and hands the launcher script the {@code bin/run} plan to exec.
 */
@Command(name = "peer-server",
    description = "Prepare this dyno's Datomic peer server and start it.",
    footer = "  datomic-buildpack peer-server   (the Procfile's peer-server: line)")
final class PeerServerCommand implements Callable<Integer> {
  @Mixin DynoOptions dyno;

  @Override
  public Integer call() throws Exception {
    BootContext boot = dyno.context();
    dyno.exec(new PeerServerBoot(boot).serve(boot.memory()));
    return 0;
  }
}
