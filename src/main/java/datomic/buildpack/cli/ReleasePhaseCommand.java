package datomic.buildpack.cli;

import datomic.buildpack.dyno.BootContext;
import datomic.buildpack.dyno.release.ReleaseChecks;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The Procfile's {@code release:} process: checks the whole configuration and prepares storage,
 * so a bad config var fails the release before any dyno restarts.
 */
@Command(name = "release-phase",
    description = "Validate the configuration and prepare storage (Heroku release phase).",
    footer = "  datomic-buildpack release-phase   (the Procfile's release: line)")
final class ReleasePhaseCommand implements Callable<Integer> {
  @Mixin DynoOptions dyno;

  @Override
  public Integer call() throws Exception {
    BootContext boot = dyno.context();
    ReleaseChecks.run(boot);
    boot.log().step("Release checks passed: configuration valid, storage ready");
    return 0;
  }
}
