package datomic.buildpack.cli;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.dyno.DynoMemory;
import datomic.buildpack.dyno.backup.Backups;
import datomic.buildpack.output.Log;
import datomic.buildpack.slug.SlugLayout;
import java.util.Optional;

/** What the backup commands share: the backups of this app, on this dyno. */
final class BackupCommands {
  private BackupCommands() {}

  static Backups backups(DynoOptions dyno) {
    return new Backups(ConfigRegistry.load(), Environment.system(),
        new SlugLayout(dyno.appDir.toAbsolutePath().normalize()),
        Optional.of(DynoMemory.detect(dyno.cgroupRoot)), Log.system());
  }
}
