package datomic.buildpack.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code list-backups NAME}: the points in time a restore of NAME can use. */
@Command(name = "list-backups", description = "List the points in time t of NAME's backups.",
    footer = "  datomic-buildpack list-backups my-db")
final class ListBackupsCommand implements Callable<Integer> {
  @Mixin DynoOptions dyno;

  @Parameters(index = "0", paramLabel = "NAME", description = "Datomic database name.")
  String name;

  @Override
  public Integer call() {
    return BackupCommands.backups(dyno).listBackups(name);
  }
}
