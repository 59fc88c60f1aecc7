package datomic.buildpack.config;

import datomic.buildpack.output.Echo;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a config var's value is checked ({@code type} in config-vars.json: the name in lower case).
 * Each check returns why a value is wrong, if it is. Every type refuses line breaks and control
 * characters first (they would split a rendered property or forge a log line), saying which one.
 */
public enum ValueType {
  STRING(".*", "any text"),
  INT("[0-9]+", "a whole number"),
  BOOL("true|false", "`true` or `false`"),
  SIZE("[0-9]+[kKmMgG]", "a size such as `256m` or `4g`"),
  HOST(".*", HostName.EXPECTATION),
  ENUM(".*", "one of the listed values"),
  URL("(https?|file):[^\\s]+",
      "an `https:`, `http:` or `file:` URL without spaces (percent-encode them as %20)"),
  SHA256("[0-9a-fA-F]{64}", "64 hexadecimal digits"),
  VERSION("latest|[0-9]+(\\.[0-9]+){1,3}", "digits and dots like `1.0.7622`, or `latest`"),
  VARNAME("[A-Z_][A-Z0-9_]{0,63}", "a config var name such as `HEROKU_POSTGRESQL_RED_URL`"),
  /** Datomic database names, comma-separated (see {@link ValueList}: never an empty list). */
  DATABASES(".*", "Datomic database names (letters, digits and `-`), comma-separated"),
  /** memcached servers {@code host[:port]}, comma-separated. */
  SERVERS(".*", "memcached servers `host` or `host:port`, comma-separated"),
  /** Paths separated by {@code :} (a classpath). */
  PATHS(".*", "paths separated by `:`");

  /** A Datomic database name (a comma would end the peer server's {@code -d NAME,URI} early). */
  public static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z0-9-]+");
  /** A memcached server: {@code host}, {@code host:port} or {@code [v6]:port}. */
  public static final Pattern SERVER = Pattern.compile("([^\\[\\]:]+|\\[[^\\]]*\\])(?::([0-9]{1,5}))?");

  /** The largest size accepted (a heap or cache beyond 1 TiB is a typo on any dyno). */
  public static final long SIZE_MAX_MB = 1024L * 1024;
  public static final String SIZE_RANGE = "from `0m` to `" + SIZE_MAX_MB / 1024 + "g`";

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
    Optional<String> hidden = hiddenCharacter(value, this == STRING);
    if (hidden.isPresent()) {
      return hidden;
    }
    if (this == INT) {
      return intProblem(var, value);
    }
    if (this == SIZE) {
      return sizeProblem(value);
    }
    if (this == HOST) {
      return HostName.problem(value);
    }
    if (this == DATABASES) {
      return listProblem(value, ',', "database name", name -> DATABASE_NAME.matcher(name).matches()
          ? Optional.empty() : Optional.of("only letters, digits and `-` may be used"));
    }
    if (this == SERVERS) {
      return listProblem(value, ',', "memcached server", ValueType::serverProblem);
    }
    if (this == PATHS) {
      return ValueList.problem(value, ':', "path");
    }
    if (!pattern.matcher(value).matches()) {
      return Optional.of("expected " + expectation);
    }
    if (this == ENUM && var.values() != null && !var.values().contains(value)) {
      return Optional.of("expected one of " + String.join(", ", var.values()));
    }
    return Optional.empty();
  }

  /**
   * A line break or other control character in {@code value}, named as the log shows it. A tab
   * is allowed where {@code tabs} (free text such as a validation query).
   */
  public static Optional<String> hiddenCharacter(String value, boolean tabs) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\t' && tabs) {
        continue;
      }
      String shown = Echo.value(String.valueOf(c));
      if (c == '\n' || c == '\r' || Character.getType(c) == Character.LINE_SEPARATOR
          || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
        return Optional.of("it holds a line break (shown as " + shown + ") at character "
            + (i + 1) + ": the value must be one line");
      }
      if (Echo.needsEscape(String.valueOf(c))) {
        return Optional.of("it holds a control character (shown as " + shown + ") at character "
            + (i + 1) + ": remove it");
      }
    }
    return Optional.empty();
  }

  /** The list rule ({@link ValueList}), then each item's. */
  private static Optional<String> listProblem(String value, char separator, String item,
      Function<String, Optional<String>> itemProblem) {
    Optional<String> problem = ValueList.problem(value, separator, item);
    if (problem.isPresent()) {
      return problem;
    }
    for (String each : value.split(Pattern.quote(String.valueOf(separator)), -1)) {
      Optional<String> bad = itemProblem.apply(each.strip());
      if (bad.isPresent()) {
        return Optional.of(item + " '" + Echo.value(each.strip()) + "': " + bad.get());
      }
    }
    return Optional.empty();
  }

  /**
   * Why {@code server} is not {@code host[:port]} (the host by {@link HostName}'s rule, an IPv6
   * address in brackets when a port follows), or empty when it is.
   */
  public static Optional<String> serverProblem(String server) {
    Matcher m = SERVER.matcher(server);
    if (!m.matches()) {
      return Optional.of("expected host or host:port (an IPv6 address in brackets: [::1]:11211)");
    }
    String host = m.group(1);
    Optional<String> hostProblem = HostName.problem(host);
    if (hostProblem.isPresent()) {
      return hostProblem;
    }
    if (m.group(2) != null) {
      int port = Integer.parseInt(m.group(2));
      if (port < 1 || port > 65535) {
        return Optional.of("its port " + port + " is not from 1 to 65535");
      }
    }
    return Optional.empty();
  }

  /** Digits within the declared range; a number too large for any type still gets the range. */
  private Optional<String> intProblem(ConfigVar var, String value) {
    String range = var.min() != null && var.max() != null
        ? "a whole number from " + var.min() + " to " + var.max() : expectation;
    if (!pattern.matcher(value).matches()) {
      return Optional.of("expected " + range);
    }
    Long n = parse(value);
    if (n == null || var.min() != null && n < var.min() || var.max() != null && n > var.max()) {
      return Optional.of("expected " + range);
    }
    return Optional.empty();
  }

  /** Digits with a unit, at most {@link #SIZE_MAX_MB} MB; empty when {@code value} is one. */
  public static Optional<String> sizeProblem(String value) {
    if (!SIZE.pattern.matcher(value).matches()) {
      return Optional.of("expected " + SIZE.expectation + ", " + SIZE_RANGE);
    }
    Long n = parse(value.substring(0, value.length() - 1));
    char unit = Character.toLowerCase(value.charAt(value.length() - 1));
    long limit = unit == 'g' ? SIZE_MAX_MB / 1024 : unit == 'm' ? SIZE_MAX_MB : SIZE_MAX_MB * 1024;
    return n == null || n > limit
        ? Optional.of("expected " + SIZE.expectation + ", " + SIZE_RANGE) : Optional.empty();
  }

  /** Decimal digits as a long; null when there are too many for one. */
  private static Long parse(String digits) {
    String d = digits.replaceFirst("^0+(?=.)", "");
    if (d.length() > 18) {
      return null;
    }
    return Long.parseLong(d);
  }
}
