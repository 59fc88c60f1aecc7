package datomic.buildpack.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How a config var's value is checked ({@code type} in config-vars.json: the name in lower case).
 * Each check returns why a value is wrong, if it is.
 */
public enum ValueType {
  STRING(".*", "any text"),
  INT("[0-9]{1,9}", "a whole number"),
  BOOL("true|false", "`true` or `false`"),
  SIZE("[0-9]{1,7}[kKmMgG]", "a size such as `256m` or `4g`"),
  HOST("[A-Za-z0-9.:\\-\\[\\]]{1,253}", "a host name or IP address"),
  ENUM(".*", "one of the listed values"),
  URL("(https?|file):[^\\s]+",
      "an `https:`, `http:` or `file:` URL without spaces (percent-encode them as %20)"),
  SHA256("[0-9a-fA-F]{64}", "64 hexadecimal digits"),
  VERSION("latest|[0-9]+(\\.[0-9]+){1,3}", "digits and dots like `1.0.7622`, or `latest`"),
  VARNAME("[A-Z_][A-Z0-9_]{0,63}", "a config var name such as `HEROKU_POSTGRESQL_RED_URL`");

  private final Pattern pattern;
  private final String expectation;

  ValueType(String regex, String expectation) {
    this.pattern = Pattern.compile(regex);
    this.expectation = expectation;
  }

  public String expectation() {
    return expectation;
  }

  /** Returns a description of what is wrong with {@code value}, or empty when it is valid. */
  Optional<String> problem(ConfigVar var, String value) {
    if (!pattern.matcher(value).matches()) {
      return Optional.of("expected " + expectation);
    }
    if (this == ENUM && var.values() != null && !var.values().contains(value)) {
      return Optional.of("expected one of " + String.join(", ", var.values()));
    }
    if (this == INT) {
      long n = Long.parseLong(value);
      if (var.min() != null && n < var.min() || var.max() != null && n > var.max()) {
        return Optional.of("expected a whole number from " + var.min() + " to " + var.max());
      }
    }
    return Optional.empty();
  }
}
