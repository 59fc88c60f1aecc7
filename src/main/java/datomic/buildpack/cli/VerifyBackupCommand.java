package datomic.buildpack.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code verify-backup NAME [T]}: checks that NAME's backup at T (default: newest) is whole. */
@Command(name = "verify-backup",
    description = "Check that NAME's backup at T (default: the newest) has all its segments.",
    footer = "  datomic-buildpack verify-backup my-db --read-all")
final class VerifyBackupCommand implements Callable<Integer> {
  @Mixin DynoOptions dyno;

  @Parameters(index = "0", paramLabel = "NAME", description = "Datomic database name.")
  String name;

  @Parameters(index = "1", paramLabel = "T", arity = "0..1",
      description = "Point in time, as list-backups prints them.")
  String t;

  @Option(names = "--read-all",
      description = "Read every segment (slower, and one S3 GET each), not only check it exists.")
  boolean readAll;

  @Override
  public Integer call() {
    return BackupCommands.backups(dyno).verify(name, Optional.ofNullable(t), readAll);
  }
}
