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
 * @param maxCentralDirectoryBytes largest central directory (the zip's list of entries) accepted,
 *     and the memory kept for it: the zip's last bytes, held as they stream past; a Datomic
 *     distribution's is well under 1 MB (about 150 bytes an entry)
 */
public record DownloadPolicy(
    Duration connectTimeout,
    Duration readTimeout,
    int attempts,
    Duration backoff,
    long maxDownloadBytes,
    long maxExpandedBytes,
    int maxEntries,
    int maxCentralDirectoryBytes) {

  public DownloadPolicy {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1");
    }
    if (maxCentralDirectoryBytes < 22) {
      throw new IllegalArgumentException(
          "maxCentralDirectoryBytes must hold at least a zip's end record (22 bytes)");
    }
  }

  public static DownloadPolicy defaults() {
    return new DownloadPolicy(Duration.ofSeconds(15), Duration.ofSeconds(60), 4,
        Duration.ofSeconds(2), 2L << 30, 3L << 30, 100_000, 16 << 20);
  }

  /** The wait before try number {@code attempt} (2, 3, ...). */
  Duration backoffBefore(int attempt) {
    long factor = 1L << Math.min(3, Math.max(0, attempt - 2));
    return backoff.multipliedBy(factor);
  }

  public DownloadPolicy withTimeouts(Duration connect, Duration read) {
    return new DownloadPolicy(connect, read, attempts, backoff, maxDownloadBytes,
        maxExpandedBytes, maxEntries, maxCentralDirectoryBytes);
  }

  public DownloadPolicy withRetries(int attempts, Duration backoff) {
    return new DownloadPolicy(connectTimeout, readTimeout, attempts, backoff, maxDownloadBytes,
        maxExpandedBytes, maxEntries, maxCentralDirectoryBytes);
  }

  public DownloadPolicy withCaps(long maxDownloadBytes, long maxExpandedBytes, int maxEntries) {
    return new DownloadPolicy(connectTimeout, readTimeout, attempts, backoff, maxDownloadBytes,
        maxExpandedBytes, maxEntries, maxCentralDirectoryBytes);
  }

  public DownloadPolicy withMaxCentralDirectoryBytes(int maxCentralDirectoryBytes) {
    return new DownloadPolicy(connectTimeout, readTimeout, attempts, backoff, maxDownloadBytes,
        maxExpandedBytes, maxEntries, maxCentralDirectoryBytes);
  }
}
