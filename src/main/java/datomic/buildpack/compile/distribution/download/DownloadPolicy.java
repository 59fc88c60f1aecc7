package datomic.buildpack.compile.distribution.download;

import datomic.buildpack.config.ConfigRegistry;
import java.time.Duration;

/**
 * Limits for fetching and unpacking a distribution. Production uses {@link #defaults()}; tests
 * pass short timeouts and small caps.
 *
 * <p>Time, from the smallest scale to the largest: a connection must open within
 * {@code connectTimeout}; the server's answer (its headers, all of them) must come within
 * {@code readTimeout}, and so must each next piece of the body; a try that gets fewer than
 * {@code stallBytes} in {@code stallWindow} has stalled. A failed try is tried again (up to
 * {@code attempts} tries) until the time failed tries lost, together, reaches
 * {@code retryBudget}: a try loses the time from its start, or from the last bytes it got, to
 * its failure, and the wait before the next try is lost too. Whatever happens, the download
 * ends by {@code deadline} after it started (DATOMIC_DOWNLOAD_TIMEOUT).
 *
 * @param connectTimeout time to open a connection
 * @param readTimeout time to wait for the response headers (all of them), and for each piece of
 *     the body
 * @param stallWindow with {@code stallBytes}: a try that gets fewer bytes than that in this time
 *     has stalled (a server dripping a byte every few seconds never trips the read timeout)
 * @param stallBytes see {@code stallWindow}
 * @param attempts tries per download (first try included) for 5xx, resets, stalls, truncation
 * @param backoff wait before the second try; doubled for each further try (capped at 8x)
 * @param retryBudget time that failed tries and the waits between them may lose, together
 * @param deadline time for the whole download, every try and wait included
 * @param maxDownloadBytes largest zip accepted
 * @param maxExpandedBytes largest total size of the unpacked files
 * @param maxEntries most entries accepted in the zip
 * @param maxCentralDirectoryBytes largest central directory (the zip's list of entries) accepted,
 *     and the memory kept for it: the zip's last bytes, held as they stream past; a Datomic
 *     distribution's is well under 1 MB (about 150 bytes an entry)
 */
public record DownloadPolicy(
    Duration connectTimeout,
    Duration readTimeout,
    Duration stallWindow,
    long stallBytes,
    int attempts,
    Duration backoff,
    Duration retryBudget,
    Duration deadline,
    long maxDownloadBytes,
    long maxExpandedBytes,
    int maxEntries,
    int maxCentralDirectoryBytes) {

  /** The config var that sets {@link #deadline}, in seconds. */
  public static final String TIMEOUT_SETTING = "DATOMIC_DOWNLOAD_TIMEOUT";

  public DownloadPolicy {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1");
    }
    if (maxCentralDirectoryBytes < 22) {
      throw new IllegalArgumentException(
          "maxCentralDirectoryBytes must hold at least a zip's end record (22 bytes)");
    }
  }

  /**
   * The limits of a real build. A silent server costs at most the retry budget (60 s; it was
   * about 255 s: four tries of a 60 s read timeout and 14 s of waits); a slow one is stopped by
   * the deadline (DATOMIC_DOWNLOAD_TIMEOUT, 10 min by default: Heroku stops a whole build at
   * 15 min, and the JDK, the rest of the build and the slug's compression need the rest; a
   * 240 MB zip that has not arrived in 10 min comes at under 400 KB/s, and would not make it).
   */
  public static DownloadPolicy defaults() {
    return new DownloadPolicy(Duration.ofSeconds(10), Duration.ofSeconds(20),
        Duration.ofSeconds(30), 64 * 1024, 4, Duration.ofSeconds(1), Duration.ofSeconds(60),
        Duration.ofSeconds(Long.parseLong(ConfigRegistry.load().defaultOf(TIMEOUT_SETTING))),
        2L << 30, 3L << 30, 100_000, 16 << 20);
  }

  /** The wait before try number {@code attempt} (2, 3, ...). */
  Duration backoffBefore(int attempt) {
    long factor = 1L << Math.min(3, Math.max(0, attempt - 2));
    return backoff.multipliedBy(factor);
  }

  public DownloadPolicy withTimeouts(Duration connect, Duration read) {
    return new DownloadPolicy(connect, read, stallWindow, stallBytes, attempts, backoff,
        retryBudget, deadline, maxDownloadBytes, maxExpandedBytes, maxEntries,
        maxCentralDirectoryBytes);
  }

  /** A try stalls when it gets fewer than {@code bytes} in {@code window}. */
  public DownloadPolicy withStall(Duration window, long bytes) {
    return new DownloadPolicy(connectTimeout, readTimeout, window, bytes, attempts, backoff,
        retryBudget, deadline, maxDownloadBytes, maxExpandedBytes, maxEntries,
        maxCentralDirectoryBytes);
  }

  public DownloadPolicy withRetries(int attempts, Duration backoff) {
    return new DownloadPolicy(connectTimeout, readTimeout, stallWindow, stallBytes, attempts,
        backoff, retryBudget, deadline, maxDownloadBytes, maxExpandedBytes, maxEntries,
        maxCentralDirectoryBytes);
  }

  public DownloadPolicy withRetryBudget(Duration budget) {
    return new DownloadPolicy(connectTimeout, readTimeout, stallWindow, stallBytes, attempts,
        backoff, budget, deadline, maxDownloadBytes, maxExpandedBytes, maxEntries,
        maxCentralDirectoryBytes);
  }

  public DownloadPolicy withDeadline(Duration deadline) {
    return new DownloadPolicy(connectTimeout, readTimeout, stallWindow, stallBytes, attempts,
        backoff, retryBudget, deadline, maxDownloadBytes, maxExpandedBytes, maxEntries,
        maxCentralDirectoryBytes);
  }

  public DownloadPolicy withCaps(long maxDownloadBytes, long maxExpandedBytes, int maxEntries) {
    return new DownloadPolicy(connectTimeout, readTimeout, stallWindow, stallBytes, attempts,
        backoff, retryBudget, deadline, maxDownloadBytes, maxExpandedBytes, maxEntries,
        maxCentralDirectoryBytes);
  }

  public DownloadPolicy withMaxCentralDirectoryBytes(int maxCentralDirectoryBytes) {
    return new DownloadPolicy(connectTimeout, readTimeout, stallWindow, stallBytes, attempts,
        backoff, retryBudget, deadline, maxDownloadBytes, maxExpandedBytes, maxEntries,
        maxCentralDirectoryBytes);
  }
}
