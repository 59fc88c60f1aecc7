package datomic.buildpack.dyno.peerserver;

import datomic.buildpack.config.ValueType;
import datomic.buildpack.output.UserError;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Datomic database names as the peer server and {@code create-database} take them: letters,
 * digits and {@code -} (a comma would end the peer server's {@code -d NAME,URI} early).
 */
final class DatabaseNames {
  private static final Pattern NAME = ValueType.DATABASE_NAME;

  private DatabaseNames() {}

  /** Checks each name; {@code source} names where they came from in messages. */
  static List<String> check(List<String> names, String source) {
    List<String> bad = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    Set<String> twice = new LinkedHashSet<>();
    for (String name : names) {
      if (!NAME.matcher(name).matches()) {
        bad.add("'" + name + "'");
      } else if (!seen.add(name)) {
        twice.add(name);
      }
    }
    if (!bad.isEmpty()) {
      throw new UserError((bad.size() == 1 ? "Database name " : "Database names ")
              + String.join(", ", bad) + " in " + source
              + (bad.size() == 1 ? " is" : " are") + " not valid.",
          "Datomic database names use letters, digits and hyphens only (e.g. my-app-db);",
          "several are separated by commas (DATOMIC_PEER_SERVER_DATABASES=db-1,db-2).");
    }
    if (!twice.isEmpty()) {
      throw new UserError(source + " names " + String.join(", ", twice) + " more than once.",
          "Name each database once.");
    }
    return List.copyOf(seen);
  }

}
