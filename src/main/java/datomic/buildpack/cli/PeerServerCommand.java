package datomic.buildpack.cli;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.dyno.DynoMemory;
import datomic.buildpack.dyno.JavaExec;
import datomic.buildpack.heroku.SlugLayout;
import datomic.buildpack.output.BuildLog;
import datomic.buildpack.peerserver.PeerServerBoot;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The {@code peer-server} process: checks its settings, writes the peer server's real arguments
 * into a private file and hands the launcher script the {@code bin/run} command to exec.
 */
@Command(name = "peer-server",
    description = "Prepare this dyno's Datomic peer server and print its command.",
    footer = "  datomic-buildpack peer-server   (the Procfile's peer-server: line)")
final class PeerServerCommand implements Callable<Integer> {
  @Mixin DynoOptions dyno;

  @Mixin ExecPlanOption execPlan;

  @Override
  public Integer call() throws Exception {
    BuildLog log = BuildLog.system();
    SlugLayout slug = new SlugLayout(dyno.appDir.toAbsolutePath().normalize());
    Environment env = Environment.system();
    // What Datomic gets from this environment must be text, never silently dropped.
    JavaExec.PASSED_ON.forEach(env::get);
    List<String> command = new PeerServerBoot(ConfigRegistry.load(), env, slug, log)
        .serve(DynoMemory.detect(dyno.cgroupRoot));
    execPlan.write(command);
    log.detail("Starting " + slug.appDir().relativize(slug.distDir()) + "/bin/run -m "
        + PeerServerBoot.MAIN_NS);
    return 0;
  }
}
