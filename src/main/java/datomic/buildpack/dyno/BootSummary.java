package datomic.buildpack.dyno;

import datomic.buildpack.output.Units;

/**
 * The lines of a boot summary, the same for every Datomic process: a name, its value (secrets
 * already masked by the caller) and where the value came from.
 */
public final class BootSummary {
  private BootSummary() {}

  /** {@code name                     value  (source)}. */
  public static String line(String name, String value, String source) {
    return Units.padRight(name, 24) + " " + value + "  (" + source + ")";
  }
}
