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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
  /** The bin/datomic running now, if any. */
  private Process running;
  /** Set by {@link #stop}: no bin/datomic is started any more. */
  private boolean stopped;

  DatomicTool(Path datomic, Path appDir, Map<String, String> env, Map<String, String> extraVars,
      Secrets secrets, PrintStream out) {
    this.datomic = datomic;
    this.appDir = appDir;
    this.env = env;
    this.extraVars = extraVars;
    this.secrets = secrets;
    this.out = out;
  }

  /**
   * Runs {@code bin/datomic ARGS...} and waits for it. Once {@link #stop} was called (the JVM is
   * shutting down on a signal) nothing more is started and the caller waits for the JVM's end.
   */
  Result run(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(datomic.toString());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(appDir.toFile())
        .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.INHERIT);
    environment(pb.environment());
    List<String> lines = new ArrayList<>();
    try {
      Process p;
      synchronized (this) {
        p = stopped ? null : pb.start();
        running = p;
      }
      if (p == null) {
        awaitTheEnd();
      }
      try (BufferedReader reader = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = reader.readLine()) != null; ) {
          String masked = secrets.mask(line);
          lines.add(masked);
          out.println(masked);
          out.flush();
        }
      }
      int exitCode = p.waitFor();
      boolean stoppedNow;
      synchronized (this) {
        running = null;
        stoppedNow = stopped;
      }
      if (stoppedNow) {
        awaitTheEnd(); // its exit code is the signal's, not a failure to report
      }
      return new Result(exitCode, lines);
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + datomic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(130, lines);
    }
  }

  /**
   * Stops the running bin/datomic, if any, and every process it started (its JVM), and starts
   * no other: for a shutdown hook, when this command is stopped by a signal. Each gets SIGTERM,
   * then SIGKILL if still running after {@code grace}.
   *
   * @return the pid of the bin/datomic it stopped, if one was running
   */
  Optional<Long> stop(Duration grace) {
    Process p;
    synchronized (this) {
      stopped = true;
      p = running;
    }
    if (p == null) {
      return Optional.empty();
    }
    List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
    tree.add(0, p.toHandle());
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle h : tree) {
      try {
        h.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (ExecutionException | TimeoutException e) {
        // still running at the deadline: killed below
      }
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    return Optional.of(p.pid());
  }

  /** Parks the calling thread: the JVM is shutting down and ends it when the hooks are done. */
  @SuppressWarnings("InfiniteLoopStatement")
  private static void awaitTheEnd() {
    while (true) {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        // keep waiting: the JVM's halt ends this thread
      }
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
