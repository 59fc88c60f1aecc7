package datomic.buildpack.testsupport;

import datomic.buildpack.heroku.Procfile;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A simulated dyno: runs a process type's command from a compiled app's Procfile, from the app
 * root with {@code HOME} set to it (as Heroku and {@code heroku local} do), with the given config
 * vars. The stub transactor records the properties and arguments it got.
 */
public final class Dyno implements AutoCloseable {
  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private final Path record;

  private Dyno(Process process, Path stdout, Path stderr, Path record) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
    this.record = record;
  }

  /** Starts {@code processType} of the app in {@code appDir}; {@code work} holds its output. */
  public static Dyno start(Path appDir, String processType, Map<String, String> configVars,
      Path work) {
    String command = Procfile.read(appDir).processes().get(processType);
    if (command == null) {
      throw new AssertionError("no " + processType + " process in " + appDir + "/Procfile");
    }
    return command(appDir, command, configVars, work);
  }

  /** Runs {@code command} with bash from {@code appDir}, as a dyno would. */
  public static Dyno command(Path appDir, String command, Map<String, String> configVars,
      Path work) {
    String processType = command.split(" ")[0].replaceAll("[^a-z]", "");
    try {
      Files.createDirectories(work);
      Path out = Files.createTempFile(work, processType, ".out");
      Path err = Files.createTempFile(work, processType, ".err");
      Path record = work.resolve(processType + "-" + System.nanoTime() + ".properties");
      Map<String, String> env = new TreeMap<>(configVars);
      env.putIfAbsent("HOME", appDir.toString());
      // The dyno's /tmp: its private runtime folder goes there (see dyno/RuntimeDir).
      env.putIfAbsent("TMPDIR", Files.createDirectories(work.resolve("tmp")).toString());
      env.put("STUB_TRANSACTOR_RECORD", record.toString());
      env.put("STUB_RUN_RECORD", record + ".run");
      Process p = Run.of("bash", "-c", command).in(appDir).env(env).start(out, err);
      return new Dyno(p, out, err, record);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for the transactor's {@code System started} line; false if the process ended first. */
  public boolean awaitStarted(long seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (stdout().lines().anyMatch(l -> l.contains("System started"))) {
        return true;
      }
      if (!process.isAlive()) {
        return stdout().lines().anyMatch(l -> l.contains("System started"));
      }
      sleep(50);
    }
    return false;
  }

  /** Waits for the process to end (for dynos that should refuse to start). */
  public int awaitExit(long seconds) {
    try {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        throw new AssertionError("still running after " + seconds + "s:\n" + output());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Sends SIGTERM, as Heroku does when a dyno stops, and waits for the exit code. */
  public int stop() {
    if (process.isAlive()) {
      try {
        new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return awaitExit(30);
  }

  public long pid() {
    return process.pid();
  }

  public String stdout() {
    return read(stdout);
  }

  public String stderr() {
    return read(stderr);
  }

  public String output() {
    return "--- stdout\n" + stdout() + "\n--- stderr\n" + stderr();
  }

  /** The properties file the stub transactor was given. */
  public Properties properties() {
    Properties props = new Properties();
    try (Reader r = Files.newBufferedReader(record)) {
      props.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("the transactor recorded no properties:\n" + output(), e);
    }
    return props;
  }

  /** The stub's record of its arguments and environment: XMX, XMS, OPT (all), ENV_*, PID. */
  public Map<String, List<String>> arguments() {
    return Record.read(record.resolveSibling(record.getFileName() + ".args"));
  }

  /** Waits for a line of stdout containing {@code text}; false if the process ended first. */
  public boolean awaitLine(String text, long seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (stdout().contains(text)) {
        return true;
      }
      if (!process.isAlive()) {
        return stdout().contains(text);
      }
      sleep(50);
    }
    return false;
  }

  /**
   * The stand-in bin/run's record: ARG (every argument, in order), PID, ENV_* and the plan
   * file's mode, each a list of values.
   */
  public Map<String, List<String>> runRecord() {
    return Record.read(record.resolveSibling(record.getFileName() + ".run"));
  }

  /** The plan file the stand-in bin/run was given (EDN), as it read it. */
  public String runPlan() {
    return read(record.resolveSibling(record.getFileName() + ".run.plan"));
  }

  public String argument(String name) {
    List<String> values = arguments().get(name);
    return values == null ? null : values.get(0);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
