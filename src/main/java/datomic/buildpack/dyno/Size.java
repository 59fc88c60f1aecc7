package datomic.buildpack.dyno;

import java.util.Locale;

/** Memory sizes as Datomic and the JVM write them ({@code 256m}, {@code 4g}), in whole MB. */
public final class Size {
  private Size() {}

  /** {@code 4g} → 4096, {@code 256m} → 256, {@code 2048k} → 2. */
  public static long megabytes(String text) {
    String v = text.strip().toLowerCase(Locale.ROOT);
    long n = Long.parseLong(v.substring(0, v.length() - 1));
    return switch (v.charAt(v.length() - 1)) {
      case 'g' -> n * 1024;
      case 'm' -> n;
      case 'k' -> n / 1024;
      default -> throw new IllegalArgumentException("not a size: " + text);
    };
  }

  /** 1024 → {@code 1g}, 1536 → {@code 1536m}. */
  public static String format(long megabytes) {
    return megabytes % 1024 == 0 ? megabytes / 1024 + "g" : megabytes + "m";
  }
}
