package datomic.buildpack.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a real process (a bin/ shim, a Procfile command) and captures what it printed. */
public final class Run {
  /** The outcome of a finished process. */
  public record Result(int exitCode, String stdout, String stderr) {
    public String all() {
      return stdout + stderr;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  private final List<String> command = new ArrayList<>();
  private final Map<String, String> env;
  private Path dir = Repo.root();
  private long timeoutSeconds = 300;

  private Run(List<String> command) {
    this.command.addAll(command);
    this.env = new ProcessBuilder().environment();
    // Tests never inherit the developer's JVM options or Heroku variables, nor CI=true from the
    // machine running them (under it the buildpack acts as in Heroku CI: HerokuCiIT sets it).
    List.of("JAVA_OPTS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "DATABASE_URL", "DYNO", "STACK",
        "HEROKU_PRIVATE_IP", "HEROKU_DNS_DYNO_NAME", "CI").forEach(env::remove);
    env.keySet().removeIf(k -> k.startsWith("DATOMIC_"));
  }

  public static Run of(String... command) {
    return new Run(List.of(command));
  }

  public static Run of(List<String> command) {
    return new Run(command);
  }

  public Run in(Path directory) {
    this.dir = directory;
    return this;
  }

  public Run env(String name, String value) {
    env.put(name, value);
    return this;
  }

  public Run env(Map<String, String> vars) {
    env.putAll(vars);
    return this;
  }

  public Run unset(String name) {
    env.remove(name);
    return this;
  }

  public Run timeout(long seconds) {
    this.timeoutSeconds = seconds;
    return this;
  }

  public Process start(Path stdout, Path stderr) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    try {
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Result go() {
    try {
      Path out = Files.createTempFile("run-out", ".txt");
      Path err = Files.createTempFile("run-err", ".txt");
      try {
        Process p = start(out, err);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
          throw new AssertionError("timed out after " + timeoutSeconds + "s: " + command
              + "\n" + Files.readString(out) + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
