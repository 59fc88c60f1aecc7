package datomic.buildpack.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The build log's numbers read as String.format's did, without loading the Formatter. */
class UnitsTest {
  @Test
  void megabytesAndRatesHaveOneDecimalRoundedHalfUp() {
    assertEquals("241.6 MB", Units.mb(241_604_590L));
    assertEquals("0.0 MB", Units.mb(0));
    assertEquals("0.1 MB", Units.mb(50_000));
    assertEquals("1000.0 MB", Units.mb(999_999_999L));
    assertEquals("250.0 MB/s", Units.mbPerSecond(500_000_000L, 2.0));
    for (long bytes : new long[] {1, 49_999, 123_456_789L, 2_000_000_000L, 987_654_321L}) {
      assertEquals(String.format(Locale.ROOT, "%.1f MB", bytes / 1e6), Units.mb(bytes));
    }
  }

  /** Two sizes compared in one message never read the same when they differ. */
  @Test
  void sizesThatDifferNeverReadTheSame() {
    long cap = 2L << 30;
    assertEquals("2,147,483,649 bytes", Units.mbApartFrom(cap + 1, cap));
    assertEquals("2,147,483,648 bytes", Units.mbApartFrom(cap, cap + 1));
    assertEquals("2147.5 MB", Units.mbApartFrom(cap, cap));
    assertEquals("0.4 MB", Units.mbApartFrom(400_000, 100_000));
    assertEquals("1 byte", Units.bytes(1));
    assertEquals("999 bytes", Units.bytes(999));
    assertEquals("1,000 bytes", Units.bytes(1000));
    for (long a : new long[] {0, 1, 49_999, 50_000, 2_147_483_647L, cap + 1, 999_999_999L}) {
      for (long delta : new long[] {-1, 1, 49_999, 50_001}) {
        long b = a + delta;
        if (b >= 0) {
          assertTrue(!Units.mbApartFrom(a, b).equals(Units.mbApartFrom(b, a)), a + " vs " + b);
        }
      }
    }
  }

  @Test
  void capsInBinaryUnits() {
    assertEquals("16 MB", Units.binarySize(16 * 1024 * 1024));
    assertEquals("64 KB", Units.binarySize(64 * 1024));
    assertEquals("512 bytes", Units.binarySize(512));
  }

  @Test
  void durations() {
    assertEquals("1.5 s", Units.seconds(Duration.ofMillis(1500)));
    assertEquals("0.1 s", Units.seconds(Duration.ofMillis(50)));
    assertEquals("250 ms", Units.shortDuration(Duration.ofMillis(250)));
    assertEquals("8 s", Units.shortDuration(Duration.ofSeconds(8)));
    assertEquals("3 s", Units.shortDuration(Duration.ofMillis(2500)));
    assertEquals("90 s", Units.shortDuration(Duration.ofSeconds(90)));
    assertEquals("10 min", Units.shortDuration(Duration.ofMinutes(10)));
    assertEquals("2 min 5 s", Units.shortDuration(Duration.ofSeconds(125)));
  }

  @Test
  void paddingNeverCuts() {
    assertEquals("ab  ", Units.padRight("ab", 4));
    assertEquals("abcdef", Units.padRight("abcdef", 4));
    assertEquals("  7%", Units.padLeft("7%", 4));
    assertEquals("100%", Units.padLeft("100%", 4));
  }
}
