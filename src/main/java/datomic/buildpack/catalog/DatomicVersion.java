package datomic.buildpack.catalog;

import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Datomic version such as {@code 1.0.7622}: two to four groups of digits separated by dots, no
 * leading zeros, nothing else. Anything that does not match is rejected before it can reach a URL
 * or a file name.
 */
public final class DatomicVersion implements Comparable<DatomicVersion> {
  private static final Pattern STRICT =
      Pattern.compile("(0|[1-9][0-9]{0,8})(\\.(0|[1-9][0-9]{0,8})){1,3}");

  private final String text;
  private final int[] parts;

  private DatomicVersion(String text) {
    this.text = text;
    this.parts = Arrays.stream(text.split("\\.")).mapToInt(Integer::parseInt).toArray();
  }

  /** Parses {@code text} strictly; empty when it is not a version. */
  public static Optional<DatomicVersion> parse(String text) {
    if (text == null || !STRICT.matcher(text).matches()) {
      return Optional.empty();
    }
    return Optional.of(new DatomicVersion(text));
  }

  /** Parses a version the buildpack itself ships (a bad one is a bug, not a user error). */
  public static DatomicVersion of(String text) {
    return parse(text).orElseThrow(() -> new IllegalArgumentException("not a version: " + text));
  }

  @Override
  public int compareTo(DatomicVersion other) {
    for (int i = 0; i < Math.max(parts.length, other.parts.length); i++) {
      int a = i < parts.length ? parts[i] : -1;
      int b = i < other.parts.length ? other.parts[i] : -1;
      if (a != b) {
        return Integer.compare(a, b);
      }
    }
    return 0;
  }

  public boolean isBefore(DatomicVersion other) {
    return compareTo(other) < 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DatomicVersion v && v.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
