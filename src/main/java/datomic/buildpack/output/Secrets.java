package datomic.buildpack.output;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in any text before it reaches a log or an error message, by structure: a URL's
 * password ({@code scheme://user:PASSWORD@host}), and the value of any parameter whose name says
 * it is a secret ({@link #namesASecret}: {@code ?sslpassword=}, {@code &PGPASSWORD=},
 * {@code ;api_key=}), whatever its case. Code that prints a secret's value prints {@link #MASK}
 * in its place; the registered values ({@link #add}) are a last resort for text written by
 * others (Datomic's, the driver's), replaced only where they stand as a whole token and only
 * from {@value #MIN_MASKED_LENGTH} characters: a shorter or common value ({@code datomic},
 * {@code 8}) would be found inside words and numbers, garbling the text and showing where it is.
 */
public final class Secrets {
  public static final String MASK = "********";
  /** Registered values shorter than this are not searched for in text (see the class). */
  public static final int MIN_MASKED_LENGTH = 8;
  /** Where a URL's authority starts: {@code scheme://}. */
  private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://");
  /** A user name worth keeping in sight: nothing a password or a path would hold. */
  private static final Pattern USER = Pattern.compile("[^\\s/?#@:]*");
  /** Characters of a word, a parameter name or a token: a match never starts or ends inside one. */
  private static final String WORD = "A-Za-z0-9_\\-";
  /**
   * A parameter name that says its value is a secret: it holds password, passwd, pwd, secret,
   * token, credential, signature or key (in any case), or is {@code sig}.
   */
  private static final String SECRET_NAME = "(?i:[A-Za-z0-9_.\\-]*(?:password|passwd|pwd|secret"
      + "|token|credential|signature|key)[A-Za-z0-9_.\\-]*|sig)";
  private static final Pattern SECRET_NAME_PATTERN = Pattern.compile(SECRET_NAME);
  /**
   * {@code NAME=value} where NAME says it is a secret: in a URL's query or a parameter list
   * (after {@code ?}, {@code &} or {@code ;}), or at the start of a word when NAME is not a
   * config var's ({@code password=x}, {@code sslpassword=x}; not the {@code NAME_SECRET=...} of a
   * {@code heroku config:set} hint, whose values are placeholders). The value runs to the next
   * {@code &}, {@code ;} or blank.
   */
  static final Pattern SECRET_PARAMETER = Pattern.compile(
      "(?:(?<=[?&;])|(?<![" + WORD + ".?&;])(?![A-Z0-9_]+=))(" + SECRET_NAME + "=)[^&;\\s]*");

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

  /** Whether a parameter, property or variable named {@code name} holds a secret. */
  public static boolean namesASecret(String name) {
    return name != null && SECRET_NAME_PATTERN.matcher(name).matches();
  }

  /**
   * Masks by structure ({@link #maskUrls}), then every registered value of at least
   * {@value #MIN_MASKED_LENGTH} characters that stands as a whole token.
   */
  public String mask(String text) {
    if (text == null) {
      return null;
    }
    String masked = maskUrls(text);
    for (Pattern token : tokens()) {
      masked = token.matcher(masked).replaceAll(MASK);
    }
    return masked;
  }

  /**
   * The same masking as regular expressions and their replacements, for the shipped Clojure
   * main (it masks Datomic's messages by this rule, from its plan): the secret parameters, then
   * each registered value as a token. It leaves out the URL password rule, which is no regular
   * expression: the URIs that main hands Datomic carry the password as a parameter, if at all.
   */
  public List<List<String>> rules() {
    List<List<String>> rules = new ArrayList<>();
    rules.add(List.of(SECRET_PARAMETER.pattern(), "$1" + MASK));
    tokens().forEach(token -> rules.add(List.of(token.pattern(), MASK)));
    return rules;
  }

  /** Each registered value long enough to be searched for, as a whole-token pattern. */
  private List<Pattern> tokens() {
    List<Pattern> tokens = new ArrayList<>();
    for (String value : values) {
      if (value.length() < MIN_MASKED_LENGTH) {
        continue;
      }
      String before = isWord(value.charAt(0)) ? "(?<![" + WORD + "])" : "";
      String after = isWord(value.charAt(value.length() - 1)) ? "(?![" + WORD + "])" : "";
      tokens.add(Pattern.compile(before + Pattern.quote(value) + after));
    }
    return tokens;
  }

  private static boolean isWord(char c) {
    return c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-');
  }

  /**
   * Masks the password of anything that looks like a URL, and the value of every parameter whose
   * name says it is a secret ({@link #SECRET_PARAMETER}). It does not parse URLs, so a password that makes a URL unparsable (a space, a
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
    return SECRET_PARAMETER.matcher(maskUserInfo(text)).replaceAll("$1" + MASK);
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
