package datomic.buildpack.config;

import datomic.buildpack.output.Echo;
import datomic.buildpack.output.UserError;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one rule for a value that is a list (the databases a peer server serves or a backup
 * takes, memcached servers, extra classpath entries): items separated by one separator, blanks
 * around an item ignored. A list names at least one item and no item is empty: {@code ","},
 * {@code " , ,"}, {@code "a,,b"} and {@code "a,"} are refused, saying where the empty item is,
 * so that a typo never silently means "nothing" (a backup job that backs up no database and
 * exits 0) or something else than was written. Every reader of a list goes through here: the
 * registry's list types ({@link ValueType}) and the code that splits the value.
 */
public final class ValueList {
  private ValueList() {}

  /**
   * Why {@code value} is not a list of {@code separator}-separated items, or empty when it is.
   *
   * @param item what one item is, for the message ("database name", "memcached server")
   */
  public static Optional<String> problem(String value, char separator, String item) {
    List<String> items = split(value, separator);
    if (items.stream().allMatch(String::isEmpty)) {
      return Optional.of("it names no " + item + " (an empty list)");
    }
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i).isEmpty()) {
        return Optional.of("item " + (i + 1) + " of " + items.size() + " is empty ("
            + (i == 0 ? "a '" + separator + "' at the start"
                : i == items.size() - 1 ? "a '" + separator + "' at the end"
                    : "two '" + separator + "' in a row") + ")");
      }
    }
    return Optional.empty();
  }

  /**
   * The items of {@code value}, blanks around each removed; refused (a {@link UserError} naming
   * {@code source}) when the list is empty or an item is.
   *
   * @param source where the value came from, as the message names it ("config var X")
   * @param item what one item is ("database name")
   * @param example a good value, for the advice ("db-1,db-2")
   */
  public static List<String> items(String value, char separator, String source, String item,
      String example) {
    Optional<String> problem = problem(value, separator, item);
    if (problem.isPresent()) {
      throw new UserError(capitalized(source) + " is not usable: " + problem.get() + ".",
          "Its value: " + Echo.value(value),
          "Expected one or more " + item + "s separated by '" + separator + "', e.g. " + example
              + "; an empty list is never taken to mean none or all.");
    }
    return split(value, separator);
  }

  private static List<String> split(String value, char separator) {
    List<String> items = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= value.length(); i++) {
      if (i == value.length() || value.charAt(i) == separator) {
        items.add(value.substring(start, i).strip());
        start = i + 1;
      }
    }
    return items;
  }

  private static String capitalized(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
