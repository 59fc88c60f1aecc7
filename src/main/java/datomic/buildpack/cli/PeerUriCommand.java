package datomic.buildpack.cli;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.storage.PostgresUrl;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Prints the {@code datomic:sql://} URI peers use for a database, e.g. on a one-off dyno. */
@Command(name = "peer-uri",
    description = "Print the datomic:sql:// URI peers use to connect to database DB_NAME.")
final class PeerUriCommand implements Callable<Integer> {
  @Mixin DynoOptions dyno; // accepted like every dyno-side command; the URL is all it needs

  @Parameters(index = "0", paramLabel = "DB_NAME", description = "Datomic database name.")
  String dbName;

  @Option(names = "--show-password",
      description = "Include the real password (otherwise it is masked).")
  boolean showPassword;

  @Option(names = "--without-password",
      description = "Leave the password out, for a process given PGPASSFILE (as the peer server"
          + " is).")
  boolean withoutPassword;

  @Override
  public Integer call() {
    PostgresUrl url = PostgresUrl.fromEnvironment(ConfigRegistry.load(), Environment.system());
    System.out.println(withoutPassword ? url.peerUriWithoutPassword(dbName)
        : url.peerUri(dbName, showPassword));
    return 0;
  }
}
