package datomic.buildpack.output;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Masks secret values in any text before it reaches a log or an error message. */
public final class Secrets {
  public static final String MASK = "********";
  /** Where a URL's authority starts: {@code scheme://}. */
  private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://");
  /** A user name worth keeping in sight: nothing a password or a path would hold. */
  private static final Pattern USER = Pattern.compile("[^\\s/?#@:]*");
  /**
   * Query parameters that carry credentials: passwords, keys, signed-URL signatures, tokens; a
   * whole name only ({@code ACCESS_KEY=} in a {@code heroku config:set} hint is not one).
   */
  private static final Pattern QUERY_PASSWORD = Pattern.compile(
      "(?<![A-Za-z0-9_-])((?:password|sql-password|license-key|x-amz-signature|x-amz-credential"
          + "|x-amz-security-token|signature|sig|token|access_token|key)=)[^&;\\s]*",
      Pattern.CASE_INSENSITIVE);

  private final List<String> values = new ArrayList<>();

  /**
   * Registers a secret value; blank values are ignored. Its escaped form ({@link Echo}) is masked
   * too, for lines that show values escaped.
   */
  public Secrets add(String value) {
    if (value != null && !value.isBlank()) {
      values.add(value);
      if (Echo.needsEscape(value)) {
        values.add(Echo.value(value));
      }
    }
    return this;
  }

  /** Replaces every registered secret and any password in a URL by {@link #MASK}. */
  public String mask(String text) {
    if (text == null) {
      return null;
    }
    String masked = maskUrls(text);
    for (String value : values) {
      masked = masked.replace(value, MASK);
    }
    return masked;
  }

  /**
   * Masks the password of anything that looks like a URL, and {@code password=...} query
   * parameters. It does not parse URLs, so a password that makes a URL unparsable (a space, a
   * {@code #}, a {@code %}, an {@code @}, a {@code /} or a line break in it) is masked all the
   * same: after {@code scheme://}, everything up to the last {@code @} followed by a host, before
   * the next {@code scheme://}, is the user-info, and when it holds a {@code :} all of it past the
   * user name is masked. Too eager rather than too little: text after a URL that holds a
   * {@code :} and then an {@code @} (an e-mail address) is masked with it.
   */
  public static String maskUrls(String text) {
    if (text == null) {
      return null;
    }
    return QUERY_PASSWORD.matcher(maskUserInfo(text)).replaceAll("$1" + MASK);
  }

  private static String maskUserInfo(String text) {
    Matcher scheme = SCHEME.matcher(text);
    if (!scheme.find()) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int copied = 0;
    int start = scheme.end();
    while (start >= 0) {
      int next = scheme.find(start) ? scheme.start() : -1;
      int limit = next < 0 ? text.length() : next;
      int at = lastAtBeforeAHost(text, start, limit);
      int colon = text.indexOf(':', start);
      if (at > start && colon >= 0 && colon < at) {
        String user = text.substring(start, colon);
        out.append(text, copied, start);
        if (USER.matcher(user).matches()) {
          out.append(user).append(':');
        }
        out.append(MASK);
        copied = at;
      }
      start = next < 0 ? -1 : scheme.end();
    }
    return out.append(text, copied, text.length()).toString();
  }

  /** The last {@code @} in {@code [from, to)} that a host name or an address follows, or -1. */
  private static int lastAtBeforeAHost(String text, int from, int to) {
    for (int i = to - 1; i >= from; i--) {
      if (text.charAt(i) == '@' && i + 1 < text.length()) {
        char c = text.charAt(i + 1);
        if (Character.isLetterOrDigit(c) || c == '[') {
          return i;
        }
      }
    }
    return -1;
  }
}
