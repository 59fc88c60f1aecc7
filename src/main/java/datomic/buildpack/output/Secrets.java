package datomic.buildpack.output;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Masks secret values in any text before it reaches a log or an error message. */
public final class Secrets {
  public static final String MASK = "********";
  /**
   * {@code scheme://user:password@}: everything from the first {@code :} after the user to the
   * last {@code @} before the query, so a password holding {@code /} or {@code @} is masked whole
   * (a port followed by an {@code @} in the path is masked too: safe, if too eager).
   */
  private static final Pattern URL_PASSWORD =
      Pattern.compile("(://[^:/@\\s?#]*:)[^\\s?#]*@");
  /** Query parameters that carry credentials: passwords, keys, signed-URL signatures, tokens. */
  private static final Pattern QUERY_PASSWORD = Pattern.compile(
      "((?:password|sql-password|license-key|x-amz-signature|x-amz-credential"
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

  /** Masks {@code user:password@} in URLs and {@code password=...} query parameters. */
  public static String maskUrls(String text) {
    String masked = URL_PASSWORD.matcher(text).replaceAll("$1" + MASK + "@");
    return QUERY_PASSWORD.matcher(masked).replaceAll("$1" + MASK);
  }
}
