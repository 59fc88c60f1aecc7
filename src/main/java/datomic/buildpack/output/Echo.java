package datomic.buildpack.output;

/**
 * Text that came from a user (a config var's name or value, a key of transactor.properties, a
 * file name in the app) as the build log may show it: one line, no control characters. A line
 * break, carriage return, escape sequence or bidi override in a value would otherwise start a
 * forged line in the log ({@code "x\n-----> Build succeeded"}) or rewrite what the terminal
 * shows; here each becomes a visible escape ({@code \n}, {@code \u001B}). Long values are cut.
 */
public final class Echo {
  /** Longer values are cut (a 1 MB config var is not worth a 1 MB log line). */
  static final int MAX = 200;

  private Echo() {}

  /** {@code raw} with every character that could end or disguise a log line escaped. */
  public static String value(String raw) {
    if (raw == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(Math.min(raw.length(), MAX) + 16);
    int i = 0;
    for (; i < raw.length() && out.length() < MAX; i++) {
      char c = raw.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (hidden(c)) {
            out.append("\\u").append(hex4(c));
          } else {
            out.append(c);
          }
        }
      }
    }
    if (i < raw.length()) {
      out.append("... (").append(raw.length()).append(" characters)");
    }
    return out.toString();
  }

  /** Whether {@code raw} holds a character {@link #value} would escape. */
  public static boolean needsEscape(String raw) {
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\n' || c == '\r' || c == '\t' || hidden(c)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Control characters (C0, DEL, C1), Unicode line and paragraph separators, and the marks and
   * overrides that change the direction text is shown in.
   */
  static boolean hidden(char c) {
    int type = Character.getType(c);
    return type == Character.CONTROL || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR || c == '\u200e' || c == '\u200f'
        || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
  }

  private static String hex4(char c) {
    String hex = Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT);
    return "0000".substring(hex.length()) + hex;
  }
}
