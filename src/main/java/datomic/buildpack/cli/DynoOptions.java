package datomic.buildpack.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by the dyno-side commands. */
final class DynoOptions {
  @Option(names = "--app-dir", paramLabel = "DIR", defaultValue = ".",
      description = "The app root (the slug): $HOME on a dyno. Default: the current folder.")
  Path appDir;

  @Option(names = "--cgroup-root", paramLabel = "DIR", defaultValue = "${env:DATOMIC_BUILDPACK_CGROUP_ROOT:-/sys/fs/cgroup}",
      hidden = true, description = "Where to read the dyno's memory limit (tests simulate dynos).")
  Path cgroupRoot;
}
