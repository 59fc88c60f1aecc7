package datomic.buildpack.cli;

import datomic.buildpack.backup.Backups;
import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.dyno.DynoMemory;
import datomic.buildpack.heroku.SlugLayout;
import datomic.buildpack.output.BuildLog;
import java.util.Optional;

/** What the backup commands share: the backups of this app, on this dyno. */
final class BackupCommands {
  private BackupCommands() {}

  static Backups backups(DynoOptions dyno) {
    return new Backups(ConfigRegistry.load(), Environment.system(),
        new SlugLayout(dyno.appDir.toAbsolutePath().normalize()),
        Optional.of(DynoMemory.detect(dyno.cgroupRoot)), BuildLog.system());
  }
}
