package datomic.buildpack.cli;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.heroku.SlugLayout;
import datomic.buildpack.output.BuildLog;
import datomic.buildpack.transactor.BootPlan;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Prints the {@code datomic:sql://} URI peers use for a database, e.g. on a one-off dyno. */
@Command(name = "peer-uri",
    description = "Print the datomic:sql:// URI peers use to connect to database DB_NAME.")
final class PeerUriCommand implements Callable<Integer> {
  @Mixin DynoOptions dyno;

  @Parameters(index = "0", paramLabel = "DB_NAME", description = "Datomic database name.")
  String dbName;

  @Option(names = "--show-password",
      description = "Include the real password (otherwise it is masked).")
  boolean showPassword;

  @Override
  public Integer call() {
    BootPlan plan = new BootPlan(ConfigRegistry.load(), Environment.system(),
        new SlugLayout(dyno.appDir), BuildLog.system());
    System.out.println(plan.databaseUrl().peerUri(dbName, showPassword));
    return 0;
  }
}
