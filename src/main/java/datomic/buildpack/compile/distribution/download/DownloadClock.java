package datomic.buildpack.compile.distribution.download;

import datomic.buildpack.output.Units;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Timer;
import java.util.TimerTask;

/**
 * The time rules of one download, every try together (see {@link DownloadPolicy}): the deadline,
 * the budget of time that failed tries may lose, the stall rule, and a watchdog that cuts a
 * connection whose answer does not come in time. {@link HttpURLConnection} bounds each read, not
 * the headers as a whole: a server dripping its headers a byte at a time would otherwise hold the
 * build forever. Not thread-safe, except for the watchdog's own fields: one download, one thread.
 */
final class DownloadClock implements AutoCloseable {
  /** How often the watchdog looks at a connection waiting for its answer. */
  private static final long WATCH_MILLIS = 50;

  private final DownloadPolicy policy;
  private final long startedAt = System.nanoTime();
  private long lostNanos;
  private long lastBytesAt = startedAt;
  private long windowStartedAt = startedAt;
  private long windowBytes;
  private Timer watchdog;
  private volatile HttpURLConnection waiting;
  private volatile long cutAt;
  private volatile boolean cut;

  DownloadClock(DownloadPolicy policy) {
    this.policy = policy;
  }

  /** The answer did not come in time (the watchdog cut the connection, or a read timed out). */
  static final class NoAnswer extends IOException {
    NoAnswer(Duration waited) {
      super("the server did not answer within " + Units.shortDuration(waited));
    }
  }

  /** Too few bytes came for too long. */
  static final class Stalled extends IOException {
    Stalled(long bytes, long nanos, long wanted) {
      super("the download stalled: " + Units.bytes(bytes) + " in the last "
          + Units.shortDuration(Duration.ofNanos(nanos)) + " (the buildpack waits for at least "
          + Units.binarySize(wanted) + " in that time)");
    }
  }

  /** A try begins: its stall window and the time it may lose start now. */
  void startTry() {
    long now = System.nanoTime();
    lastBytesAt = now;
    windowStartedAt = now;
    windowBytes = 0;
  }

  /** Bytes arrived (new or not: the connection works). */
  void bytes(int n) {
    windowBytes += n;
    lastBytesAt = System.nanoTime();
  }

  /** Before each read of the body: throws {@link Stalled} when the try gets too little. */
  void checkStall() throws Stalled {
    long now = System.nanoTime();
    long window = now - windowStartedAt;
    if (window >= policy.stallWindow().toNanos()) {
      if (windowBytes < policy.stallBytes()) {
        throw new Stalled(windowBytes, window, policy.stallBytes());
      }
      windowStartedAt = now;
      windowBytes = 0;
    }
  }

  boolean pastDeadline() {
    return deadlineLeft() == 0;
  }

  private long deadlineLeft() {
    return Math.max(0, startedAt + policy.deadline().toNanos() - System.nanoTime());
  }

  /** What this try may still lose before the budget is spent. */
  private long budgetLeft() {
    return Math.max(0, policy.retryBudget().toNanos() - lostNanos
        - (System.nanoTime() - lastBytesAt));
  }

  /** {@code wanted}, or less when the retry budget or the deadline is nearer (at least 1 ms). */
  Duration within(Duration wanted) {
    long nanos = Math.min(wanted.toNanos(), Math.min(budgetLeft(), deadlineLeft()));
    return Duration.ofNanos(Math.max(1_000_000, nanos));
  }

  /**
   * Sends {@code c}'s request and reads its headers ({@code c.getResponseCode()}), cutting the
   * connection when that takes longer than {@code limit}; a read that times out on the way is
   * the same failure. Either is a {@link NoAnswer}.
   */
  int awaitAnswer(HttpURLConnection c, Duration limit, Duration readLimit) throws IOException {
    cut = false;
    cutAt = System.nanoTime() + limit.toNanos();
    waiting = c;
    startWatchdog();
    try {
      int status = c.getResponseCode();
      if (cut) {
        // Cut half-way through the headers, HttpURLConnection may still report a status from
        // what it had: nothing of it is trusted.
        throw new NoAnswer(limit);
      }
      return status;
    } catch (NoAnswer e) {
      throw e;
    } catch (SocketTimeoutException e) {
      if (cut) {
        throw new NoAnswer(limit);
      }
      String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
      if (message.contains("connect")) {
        throw e; // "Connect timed out": the connection never opened
      }
      throw new NoAnswer(readLimit);
    } catch (IOException e) {
      if (cut) {
        throw new NoAnswer(limit);
      }
      throw e;
    } finally {
      waiting = null;
    }
  }

  private void startWatchdog() {
    if (watchdog != null) {
      return;
    }
    watchdog = new Timer("datomic-download-watchdog", true);
    watchdog.schedule(new TimerTask() {
      @Override
      public void run() {
        HttpURLConnection c = waiting;
        if (c != null && System.nanoTime() - cutAt >= 0) {
          cut = true;
          c.disconnect(); // before the answer: closes the socket, the waiting read fails
        }
      }
    }, WATCH_MILLIS, WATCH_MILLIS);
  }

  /** A try failed: the time since its start, or since its last bytes, is lost. */
  void tryFailed() {
    lostNanos += System.nanoTime() - lastBytesAt;
    lastBytesAt = System.nanoTime();
  }

  /** Whether waiting {@code wait} before another try stays within the retry budget. */
  boolean budgetAllows(Duration wait) {
    return lostNanos + wait.toNanos() < policy.retryBudget().toNanos();
  }

  /** Whether another try could start after {@code wait} before the deadline. */
  boolean deadlineAllows(Duration wait) {
    return wait.toNanos() < deadlineLeft();
  }

  /** The wait before another try happened: it is lost time too. */
  void waited(Duration wait) {
    lostNanos += wait.toNanos();
  }

  /** Time lost to failed tries and waits so far. */
  Duration lost() {
    return Duration.ofNanos(lostNanos);
  }

  /** Time since the download began. */
  Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startedAt);
  }

  @Override
  public void close() {
    waiting = null;
    if (watchdog != null) {
      watchdog.cancel();
    }
  }
}
