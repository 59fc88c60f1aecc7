package datomic.buildpack.distribution;

import java.time.Duration;

/**
 * Limits for fetching and unpacking a distribution. Production uses {@link #defaults()}; tests
 * pass short timeouts and small caps.
 *
 * @param connectTimeout time to open a connection
 * @param readTimeout time to wait for response headers, and for each piece of the body
 * @param attempts tries per download (first try included) for 5xx, resets, stalls, truncation
 * @param backoff wait before the second try; doubled for each further try (capped at 8x)
 * @param maxDownloadBytes largest zip accepted
 * @param maxExpandedBytes largest total size of the unpacked files
 * @param maxEntries most entries accepted in the zip
 */
public record DownloadPolicy(
    Duration connectTimeout,
    Duration readTimeout,
    int attempts,
    Duration backoff,
    long maxDownloadBytes,
    long maxExpandedBytes,
    int maxEntries) {

  public DownloadPolicy {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1");
    }
  }

  public static DownloadPolicy defaults() {
    return new DownloadPolicy(Duration.ofSeconds(15), Duration.ofSeconds(60), 4,
        Duration.ofSeconds(2), 2L << 30, 3L << 30, 100_000);
  }

  /** The wait before try number {@code attempt} (2, 3, ...). */
  Duration backoffBefore(int attempt) {
    long factor = 1L << Math.min(3, Math.max(0, attempt - 2));
    return backoff.multipliedBy(factor);
  }

  public DownloadPolicy withTimeouts(Duration connect, Duration read) {
    return new DownloadPolicy(connect, read, attempts, backoff, maxDownloadBytes,
        maxExpandedBytes, maxEntries);
  }

  public DownloadPolicy withRetries(int attempts, Duration backoff) {
    return new DownloadPolicy(connectTimeout, readTimeout, attempts, backoff, maxDownloadBytes,
        maxExpandedBytes, maxEntries);
  }

  public DownloadPolicy withCaps(long maxDownloadBytes, long maxExpandedBytes, int maxEntries) {
    return new DownloadPolicy(connectTimeout, readTimeout, attempts, backoff, maxDownloadBytes,
        maxExpandedBytes, maxEntries);
  }
}
