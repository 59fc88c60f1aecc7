package datomic.buildpack.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code backup [NAME...]}: backs up databases to DATOMIC_BACKUP_URL/NAME (Heroku Scheduler). */
@Command(name = "backup", description = "Back up Datomic databases to DATOMIC_BACKUP_URL/NAME"
    + " (default: DATOMIC_BACKUP_DATABASES, else DATOMIC_PEER_SERVER_DATABASES).",
    footer = "  datomic-buildpack backup my-db")
final class BackupCommand implements Callable<Integer> {
  @Mixin DynoOptions dyno;

  @Parameters(paramLabel = "NAME", arity = "0..*", description = "Datomic database names.")
  List<String> names;

  @Override
  public Integer call() {
    return BackupCommands.backups(dyno).backup(names == null ? List.of() : names);
  }
}
