package datomic.buildpack.transactor;

/** Datomic Pro versions before 1.0.6726 run under a legacy licence that needs a key. */
final class LegacyLicence {
  static final String NO_COST_SINCE = "1.0.6726";

  private LegacyLicence() {}

  static boolean applies(String version) {
    String[] v = version.split("\\.");
    String[] cut = NO_COST_SINCE.split("\\.");
    for (int i = 0; i < Math.max(v.length, cut.length); i++) {
      long a = i < v.length ? Long.parseLong(v[i]) : 0;
      long b = i < cut.length ? Long.parseLong(cut[i]) : 0;
      if (a != b) {
        return a < b;
      }
    }
    return false;
  }
}
