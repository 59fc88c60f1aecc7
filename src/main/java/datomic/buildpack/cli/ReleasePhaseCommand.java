package datomic.buildpack.cli;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.heroku.SlugLayout;
import datomic.buildpack.output.BuildLog;
import datomic.buildpack.transactor.BootPlan;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The Procfile's {@code release:} process: checks the whole configuration and prepares storage,
 * so a bad config var fails the release before any transactor dyno restarts.
 */
@Command(name = "release-phase",
    description = "Validate the configuration and prepare storage (Heroku release phase).",
    footer = "  datomic-buildpack release-phase   (the Procfile's release: line)")
final class ReleasePhaseCommand implements Callable<Integer> {
  @Mixin DynoOptions dyno;

  @Override
  public Integer call() {
    BuildLog log = BuildLog.system();
    SlugLayout slug = new SlugLayout(dyno.appDir.toAbsolutePath().normalize());
    // The release phase runs on its own dyno: the transactor's memory is checked at its boot.
    new BootPlan(ConfigRegistry.load(), Environment.system(), slug, log).prepare(Optional.empty());
    log.step("Release checks passed: configuration valid, storage ready");
    return 0;
  }
}
