package datomic.buildpack.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code restore NAME [T] --confirm APP}: restores NAME from its backup (destructive). */
@Command(name = "restore", description = "Restore NAME from its backup at T (default: the"
    + " newest), with transactors and peers stopped.",
    footer = "  datomic-buildpack restore my-db 1010 --confirm my-app")
final class RestoreCommand implements Callable<Integer> {
  @Mixin DynoOptions dyno;

  @Parameters(index = "0", paramLabel = "NAME", description = "Datomic database name.")
  String name;

  @Parameters(index = "1", paramLabel = "T", arity = "0..1",
      description = "Point in time, as list-backups prints them.")
  String t;

  @Option(names = "--confirm", paramLabel = "APP",
      description = "This app's name, as Heroku asks for destructive commands.")
  String confirm;

  @Override
  public Integer call() {
    return BackupCommands.backups(dyno).restore(name, Optional.ofNullable(t),
        Optional.ofNullable(confirm));
  }
}
