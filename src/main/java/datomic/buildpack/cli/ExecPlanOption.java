package datomic.buildpack.cli;

import datomic.buildpack.dyno.JavaExec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The option of every command that starts Datomic in place of the launcher script (transactor,
 * peer server, console, create-database): where to write the command the script then {@code exec}s.
 */
final class ExecPlanOption {
  @Option(names = "--exec-plan", paramLabel = "FILE", required = true,
      description = "Where to write the command (NUL-separated) for the launcher script to exec.")
  Path file;

  /** Writes {@code argv} NUL-separated for the launcher script's {@code mapfile -d ''}. */
  void write(List<String> argv) throws IOException {
    JavaExec.writePlan(file, argv);
  }
}
