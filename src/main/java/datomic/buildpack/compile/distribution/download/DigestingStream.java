package datomic.buildpack.compile.distribution.download;

import datomic.buildpack.files.PassThroughStream;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.Units;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Computes the SHA-256 of everything read through it, and reports progress in the build log: a
 * line per 10% when the size is known (else per 25 MB), with MB and MB/s. Quiet for local files.
 */
public final class DigestingStream extends PassThroughStream {
  private static final long STEP_UNKNOWN = 25_000_000;

  private final MessageDigest digest;
  private final Log log;
  private final long length;
  private final boolean report;
  private final long started = System.nanoTime();
  private long count;
  private long nextReport;

public   DigestingStream(InputStream in, long length, boolean report, Log log) {
    super(in);
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
    this.length = length;
    this.report = report;
    this.log = log;
    this.nextReport = step();
  }

  private long step() {
    return length > 0 ? Math.max(1, length / 10) : STEP_UNKNOWN;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      digest.update(b, off, n);
      count += n;
      if (report && count >= nextReport) {
        progress();
        while (nextReport <= count) {
          nextReport += step();
        }
      }
    }
    return n;
  }

  private void progress() {
    String percent = length > 0
        ? Units.padLeft(Math.min(100, count * 100 / length) + "%", 4) + "  " : "";
    log.detail("  " + percent + Units.mb(count) + "  " + rate());
  }

  public String rate() {
    return Units.mbPerSecond(count, (System.nanoTime() - started) / 1e9);
  }

  public double seconds() {
    return (System.nanoTime() - started) / 1e9;
  }

  public long count() {
    return count;
  }

  /** The hex SHA-256 of what was read; call once, at the end. */
  public String sha256() {
    return HexFormat.of().formatHex(digest.digest());
  }

}
