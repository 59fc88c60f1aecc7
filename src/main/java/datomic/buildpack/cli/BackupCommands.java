package datomic.buildpack.cli;

import datomic.buildpack.dyno.backup.Backups;

/** What the backup commands share: the backups of this app, on this dyno. */
final class BackupCommands {
  private BackupCommands() {}

  static Backups backups(DynoOptions dyno) {
    return new Backups(dyno.context());
  }
}
