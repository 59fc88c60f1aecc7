package datomic.buildpack.cli;

import datomic.buildpack.dyno.BootContext;
import datomic.buildpack.dyno.peerserver.PeerServerBoot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code create-database NAME...} (for {@code heroku run}): creates Datomic databases through the
 * distribution's own peer library, with the peer server's main (the same code that checks them at
 * its boot). Idempotent; waits, with backoff, for a transactor to answer.
 */
@Command(name = "create-database",
    description = "Create Datomic databases (a transactor must be running for this storage).",
    footer = "  datomic-buildpack create-database my-db")
final class CreateDatabaseCommand implements Callable<Integer> {
  @Mixin DynoOptions dyno;

  @Parameters(paramLabel = "NAME", arity = "0..*", description = "Datomic database names.")
  List<String> names = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    BootContext boot = dyno.context();
    dyno.exec(new PeerServerBoot(boot).create(names, boot.memory()));
    return 0;
  }
}
