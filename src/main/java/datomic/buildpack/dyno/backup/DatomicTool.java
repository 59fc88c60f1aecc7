package datomic.buildpack.dyno.backup;

import datomic.buildpack.dyno.JavaExec;
import datomic.buildpack.output.Secrets;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the distribution's {@code bin/datomic} (backup-db, restore-db, list-backups,
 * verify-backup) as a child of this command, one after another for several databases. Its
 * environment is the dyno's, with the JVM options cleaned as for every Datomic process
 * ({@link JavaExec}), plus what it needs ({@code PGPASSFILE}, the AWS variables): secrets reach
 * it there, never as arguments. Its output (stdout and stderr, in order) is passed on with every
 * known secret masked, and kept for callers that read it (list-backups).
 */
final class DatomicTool {
  /** A run's exit code and the (masked) lines it printed. */
  record Result(int exitCode, List<String> lines) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  private final Path datomic;
  private final Path appDir;
  private final Map<String, String> env;
  private final Map<String, String> extraVars;
  private final Secrets secrets;
  private final PrintStream out;

  DatomicTool(Path datomic, Path appDir, Map<String, String> env, Map<String, String> extraVars,
      Secrets secrets, PrintStream out) {
    this.datomic = datomic;
    this.appDir = appDir;
    this.env = env;
    this.extraVars = extraVars;
    this.secrets = secrets;
    this.out = out;
  }

  /** Runs {@code bin/datomic ARGS...} and waits for it. */
  Result run(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(datomic.toString());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(appDir.toFile())
        .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.INHERIT);
    environment(pb.environment());
    List<String> lines = new ArrayList<>();
    try {
      Process p = pb.start();
      try (BufferedReader reader = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = reader.readLine()) != null; ) {
          String masked = secrets.mask(line);
          lines.add(masked);
          out.println(masked);
          out.flush();
        }
      }
      return new Result(p.waitFor(), lines);
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + datomic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(130, lines);
    }
  }

  /**
   * The child's environment: the cleaned JVM options and PATH of {@link JavaExec#plan}, as for
   * every Datomic process, no AWS variables but those given, then the extra ones.
   */
  private void environment(Map<String, String> child) {
    JavaExec.plan(env, appDir, datomic, List.of(), Map.of()).applyTo(child);
    for (String name : AwsCredentials.CHILD_VARS) {
      child.remove(name);
    }
    child.remove("PGPASSFILE");
    child.putAll(extraVars);
  }
}
