package datomic.buildpack.heroku;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A Procfile process (the transactor, a peer server) started from a compiled app the way a dyno
 * starts it (its command run by bash from the app root), watched until it prints its ready line
 * ({@code System started} for a transactor) and then stopped with SIGTERM, as Heroku stops
 * dynos. For checks that boot a real slug: the local dry run and Heroku CI's {@code bin/test}.
 * (A dyno itself never runs this: there the launcher {@code exec}s Datomic.)
 */
public final class ProcfileProcess implements AutoCloseable {
  /** The line a transactor prints when it is ready. */
  public static final String TRANSACTOR_READY = "System started";

  /** How a boot ended while it was watched. */
  public enum Boot { STARTED, EXITED, TIMED_OUT }

  private final Process process;
  private final String ready;
  private final Thread reader;
  private final CountDownLatch started = new CountDownLatch(1);
  private final long startNanos = System.nanoTime();
  private long startedNanos;

  private ProcfileProcess(Process process, String ready, Consumer<String> output) {
    this.process = process;
    this.ready = ready;
    this.reader = new Thread(() -> read(output), "procfile-process-output");
    this.reader.setDaemon(true);
    this.reader.start();
  }

  /**
   * Runs {@code command} with bash in {@code appDir}, with exactly {@code env}; every line it
   * prints (stdout and stderr) goes to {@code output}; a line starting {@code ready} means it is
   * up.
   */
  public static ProcfileProcess start(Path appDir, String command, Map<String, String> env,
      Consumer<String> output, String ready) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(appDir.toFile())
        .redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env);
    return new ProcfileProcess(pb.start(), ready, output);
  }

  private void read(Consumer<String> output) {
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        output.accept(line);
        if (line.startsWith(ready) && started.getCount() > 0) {
          startedNanos = System.nanoTime();
          started.countDown();
        }
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  /** Waits up to {@code timeout} for the ready line, or for the process to end first. */
  public Boot awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (started.await(100, TimeUnit.MILLISECONDS)) {
        return Boot.STARTED;
      }
      if (!process.isAlive()) {
        reader.join(5000); // the last lines may still be on their way
        return started.getCount() == 0 ? Boot.STARTED : Boot.EXITED;
      }
    }
    return started.getCount() == 0 ? Boot.STARTED : Boot.TIMED_OUT;
  }

  /** From the start to the ready line. */
  public Duration timeToStart() {
    return Duration.ofNanos(Math.max(0, startedNanos - startNanos));
  }

  /** The exit status once it has ended. */
  public int exitCode() {
    return process.exitValue();
  }

  public long pid() {
    return process.pid();
  }

  /**
   * Sends SIGTERM to the process and what it started, waits up to {@code grace}, then kills what
   * is left. Returns whether it ended within the grace period.
   */
  public boolean stop(Duration grace) throws InterruptedException {
    if (!process.isAlive()) {
      return true;
    }
    // As Heroku stops a dyno: SIGTERM to every process in it. Through the handle, because
    // Process.destroy() also closes the output stream, and the last lines would be lost.
    List<ProcessHandle> all = new ArrayList<>(List.of(process.toHandle()));
    process.descendants().forEach(all::add);
    all.forEach(ProcessHandle::destroy);
    boolean ended = process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
    if (!ended) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    reader.join(5000);
    return ended;
  }

  /** Kills it if it still runs. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }
}
