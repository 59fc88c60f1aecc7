package datomic.buildpack.output;

import java.time.Duration;

/**
 * Sizes, rates and durations as the build log shows them. Plain arithmetic rather than
 * {@code String.format}: the first use of {@link java.util.Formatter} in a JVM costs about 20 ms
 * (its classes and locale data), and every build and dyno boot starts a JVM.
 */
public final class Units {
  private Units() {}

  /** Decimal megabytes with one decimal: 241604590 -> {@code 241.6 MB}. */
  public static String mb(long bytes) {
    return oneDecimal(bytes / 1e6) + " MB";
  }

  /**
   * {@code bytes} as {@link #mb}, unless that reads the same as {@code other} when the two differ
   * (2 GB + 1 byte against 2 GB): then both are given in bytes ({@code 2,147,483,649 bytes}), so
   * a message comparing them never says "2147.5 MB, more than the 2147.5 MB allowed".
   */
  public static String mbApartFrom(long bytes, long other) {
    return bytes == other || !mb(bytes).equals(mb(other)) ? mb(bytes) : bytes(bytes);
  }

  /** Whole bytes with thousands separators: {@code 2,147,483,649 bytes}. */
  public static String bytes(long bytes) {
    String digits = Long.toString(Math.abs(bytes));
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < digits.length(); i++) {
      if (i > 0 && (digits.length() - i) % 3 == 0) {
        out.append(',');
      }
      out.append(digits.charAt(i));
    }
    return (bytes < 0 ? "-" : "") + out + (bytes == 1 ? " byte" : " bytes");
  }

  /** A rate in decimal megabytes a second: {@code 250.3 MB/s}. */
  public static String mbPerSecond(long bytes, double seconds) {
    return oneDecimal(bytes / 1e6 / Math.max(1e-3, seconds)) + " MB/s";
  }

  /** A cap in binary units, whole: {@code 16 MB} (16 MiB), {@code 64 KB}, {@code 512 bytes}. */
  public static String binarySize(long bytes) {
    return bytes >= 1 << 20 ? (bytes >> 20) + " MB"
        : bytes >= 1 << 10 ? (bytes >> 10) + " KB" : bytes + " bytes";
  }

  /** Seconds with one decimal: {@code 1.5 s}. */
  public static String seconds(Duration d) {
    return oneDecimal(d.toMillis() / 1000.0) + " s";
  }

  /**
   * Under a second in milliseconds, under two minutes in whole seconds, else in minutes and
   * seconds: {@code 250 ms}, {@code 8 s}, {@code 90 s}, {@code 10 min}, {@code 2 min 5 s}.
   */
  public static String shortDuration(Duration d) {
    if (d.toMillis() < 1000) {
      return d.toMillis() + " ms";
    }
    long seconds = Math.round(d.toMillis() / 1000.0);
    if (seconds < 120) {
      return seconds + " s";
    }
    return seconds / 60 + " min" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + " s");
  }

  /** A non-negative value rounded half up to one decimal: 2.25 -> {@code 2.3}. */
  public static String oneDecimal(double value) {
    long tenths = Math.round(Math.max(0, value) * 10);
    return tenths / 10 + "." + tenths % 10;
  }

  /** {@code text} followed by spaces up to {@code width} characters (never cut). */
  public static String padRight(String text, int width) {
    StringBuilder out = new StringBuilder(text);
    while (out.length() < width) {
      out.append(' ');
    }
    return out.toString();
  }

  /** {@code text} after spaces up to {@code width} characters (never cut). */
  public static String padLeft(String text, int width) {
    return " ".repeat(Math.max(0, width - text.length())) + text;
  }
}
