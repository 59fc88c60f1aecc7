package datomic.buildpack.storage;

import java.util.Optional;
import org.postgresql.shaded.com.ongres.saslprep.SASLprep;

/**
 * Whether the PostgreSQL driver of a Datomic distribution can log in with a password. With
 * {@code scram-sha-256} (Heroku Postgres, PostgreSQL 14 and later by default) pgjdbc prepares
 * the password with SASLprep (RFC 4013) for a stored string, and the drivers Datomic ships
 * (pgjdbc 42.2.19 to 42.5 and later) fail on a password SASLprep refuses: an emoji or another
 * character Unicode 3.2 did not assign, a control, private-use or non-character code point, or
 * right-to-left text mixed with other text. The server accepts such a password (it falls back to
 * the raw bytes), and so does the buildpack's own newer driver: only Datomic's processes would
 * fail, at boot. The check is the one pgjdbc runs (the SASLprep profile pgjdbc itself carries).
 */
final class ScramPassword {
  private ScramPassword() {}

  /**
   * Why the distribution's driver cannot use {@code password}, as the end of a sentence starting
   * "its password holds"; empty when it can. Names the kind of character only, never which one
   * or where (that would tell part of the password).
   */
  static Optional<String> problem(String password) {
    if (password == null || password.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      return Optional.empty(); // printable ASCII: SASLprep leaves it as it is
    }
    try {
      new SASLprep().prepareStored(password.toCharArray());
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      String why = String.valueOf(e.getMessage());
      if (why.startsWith("Unassigned")) {
        return Optional.of("a character Unicode 3.2 did not have (an emoji, for instance)");
      }
      if (why.contains("RandALCat")) {
        return Optional.of("right-to-left text mixed with other text in a way SASLprep refuses");
      }
      return Optional.of("a character SASLprep prohibits (a control, private-use or"
          + " non-character code point, for instance)");
    }
  }
}
