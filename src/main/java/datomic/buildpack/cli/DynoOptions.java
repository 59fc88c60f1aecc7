package datomic.buildpack.cli;

import datomic.buildpack.dyno.BootContext;
import datomic.buildpack.dyno.ExecPlan;
import datomic.buildpack.output.UserError;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Options of the dyno-side commands, and the two ends of every boot: the {@link BootContext} it
 * starts from and the {@link ExecPlan} it hands back. The slug's launcher script sets both
 * defaults through the environment ({@code DATOMIC_BUILDPACK_APP_DIR}, {@code
 * DATOMIC_BUILDPACK_EXEC_PLAN}), so it passes every command the same way and needs no list of
 * which commands start Datomic: it {@code exec}s whatever plan comes back.
 */
final class DynoOptions {
  @Option(names = "--app-dir", paramLabel = "DIR",
      defaultValue = "${env:DATOMIC_BUILDPACK_APP_DIR:-.}",
      description = "The app root (the slug): $HOME on a dyno. Default: the current folder.")
  Path appDir;

  @Option(names = "--cgroup-root", paramLabel = "DIR",
      defaultValue = "${env:DATOMIC_BUILDPACK_CGROUP_ROOT:-/sys/fs/cgroup}",
      hidden = true, description = "Where to read the dyno's memory limit (tests simulate dynos).")
  Path cgroupRoot;

  @Option(names = "--exec-plan", paramLabel = "FILE",
      defaultValue = "${env:DATOMIC_BUILDPACK_EXEC_PLAN}", hidden = true,
      description = "Where to write the process for the launcher script to exec.")
  Path execPlan;

  /** The context of this boot, from this process's environment. */
  BootContext context() {
    return BootContext.system(appDir, cgroupRoot);
  }

  /** Hands {@code plan} to the launcher script, which execs it once this JVM has exited. */
  void exec(ExecPlan plan) throws IOException {
    if (execPlan == null) {
      throw new UserError("This command starts Datomic, so it runs through the slug's launcher.",
          "Run it as .datomic/bin/datomic-buildpack " + plan.command().get(0)
              .replaceAll(".*/", "") + "... from the app root, as the Procfile does.");
    }
    plan.write(execPlan);
  }
}
