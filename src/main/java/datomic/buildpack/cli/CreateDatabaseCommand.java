package datomic.buildpack.cli;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.dyno.DynoMemory;
import datomic.buildpack.heroku.SlugLayout;
import datomic.buildpack.output.BuildLog;
import datomic.buildpack.peerserver.PeerServerBoot;
import java.nio.file.Path;
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

  @Mixin ExecPlanOption execPlan;

  @Parameters(paramLabel = "NAME", arity = "0..*", description = "Datomic database names.")
  List<String> names = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    SlugLayout slug = new SlugLayout(dyno.appDir.toAbsolutePath().normalize());
    List<String> command = new PeerServerBoot(ConfigRegistry.load(), Environment.system(), slug,
        BuildLog.system()).create(names, DynoMemory.detect(dyno.cgroupRoot));
    execPlan.write(command);
    return 0;
  }
}
