package datomic.buildpack.storage;

import static datomic.buildpack.storage.PostgresUrl.DEFAULT_PORT;
import static datomic.buildpack.storage.PostgresUrl.SSLMODES;
import static datomic.buildpack.storage.PostgresUrl.URL_VAR_SETTING;

import datomic.buildpack.config.Advice;
import datomic.buildpack.output.Secrets;
import datomic.buildpack.output.UserError;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a Heroku-style Postgres URL into a {@link PostgresUrl}: parsing and validation, with
 * errors that show the URL with its password masked. Rendering lives in {@link ConnectionStrings}.
 *
 * <p>What it accepts is what can be rendered without one part injecting into another: a host that
 * is a DNS name, an IPv4 address or a bracketed IPv6 address (no percent-encoding, no commas, no
 * zone); a port of digits; a user name, password and database name without control characters;
 * and only the driver parameters {@link DriverParameters} allows, each once.
 */
final class PostgresUrlParser {
  private static final String EXPECTED_FORM =
      "Expected form: postgres://USER:PASSWORD@HOST:PORT/DATABASE (scheme postgres or postgresql;"
          + " PORT defaults to 5432).";
  private static final String ENCODING_HINT =
      "Characters such as @ : / ? # % in the user name or password must be percent-encoded"
          + " (%40 %3A %2F %3F %23 %25).";
  private static final Pattern HOST_LABEL =
      Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");
  private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+");
  private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private final String source;
  private final String text;

  private PostgresUrlParser(String source, String text) {
    this.source = source;
    this.text = text;
  }

  /**
   * Parses {@code raw}, read from config var {@code source} (named in error messages).
   *
   * @throws UserError when the URL is malformed; the message shows it with the password masked
   */
  static PostgresUrl parse(String raw, String source) {
    Objects.requireNonNull(source, "source");
    if (raw == null || raw.isBlank()) {
      throw new UserError(source + " is empty.", EXPECTED_FORM,
          "Add Postgres (" + Advice.system().addPostgres() + ") or set the var.");
    }
    return new PostgresUrlParser(source, raw.strip()).parse();
  }

  private PostgresUrl parse() {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      // java.net.URI names the position; a host it trips over is better named as a host.
      rawHostProblem().ifPresent(p -> {
        throw malformed(p);
      });
      throw malformed(describeSyntaxError(e));
    }
    String scheme = uri.getScheme();
    if (scheme == null || uri.isOpaque()) {
      throw malformed("it does not start with postgres:// or postgresql://");
    }
    scheme = scheme.toLowerCase(Locale.ROOT);
    if (!scheme.equals("postgres") && !scheme.equals("postgresql")) {
      throw malformed("its scheme is '" + scheme + "', expected postgres:// or postgresql://");
    }
    if (uri.getRawFragment() != null) {
      throw malformed("it contains '#' (a '#' in the password must be written %23)");
    }
    String authority = uri.getRawAuthority();
    if (authority == null || authority.isEmpty()) {
      throw malformed("it names no host");
    }
    int at = authority.lastIndexOf('@');
    String rawUserInfo = at >= 0 ? authority.substring(0, at) : null;
    String hostPort = at >= 0 ? authority.substring(at + 1) : authority;

    String host;
    String portText = null;
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      host = close < 0 ? hostPort : hostPort.substring(0, close + 1);
      String rest = close < 0 ? "" : hostPort.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw malformed("its host has unexpected text after the IPv6 address");
        }
        portText = rest.substring(1);
      }
    } else {
      int colon = hostPort.indexOf(':');
      host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
      portText = colon >= 0 ? hostPort.substring(colon + 1) : null;
    }
    if (host.isEmpty()) {
      throw malformed("it names no host");
    }
    hostProblem(host).ifPresent(p -> {
      throw malformed(p);
    });
    int port = DEFAULT_PORT;
    if (portText != null && !portText.isEmpty()) {
      if (!portText.matches("[0-9]{1,5}")) {
        // A non-numeric "port" is often a password with an unencoded '/', '?' or '#'; never echo it.
        throw malformed("its port is not a number (or the password contains an"
            + " unencoded '/', '?' or '#')");
      }
      port = Integer.parseInt(portText);
      if (port < 1 || port > 65535) {
        throw malformed("its port " + port + " is outside 1-65535");
      }
    }

    String user = null;
    String password = null;
    if (rawUserInfo != null) {
      int colon = rawUserInfo.indexOf(':');
      String rawUser = colon >= 0 ? rawUserInfo.substring(0, colon) : rawUserInfo;
      user = text(rawUser, "user name");
      if (colon >= 0) {
        password = text(rawUserInfo.substring(colon + 1), "password");
      }
    }

    String rawPath = uri.getRawPath();
    if (rawPath == null || rawPath.isEmpty() || rawPath.equals("/")) {
      throw malformed("it names no database (the path after the host, as in /dbname)");
    }
    if (rawPath.indexOf('@') >= 0) {
      throw malformed("its path contains '@' (a '/' in the password must be written %2F)");
    }
    String database = text(rawPath.substring(1), "database name");
    if (database.contains("/")) {
      throw malformed("its path has more than one segment; expected just /dbname");
    }

    Map<String, String> params = new LinkedHashMap<>();
    String rawQuery = uri.getRawQuery();
    if (rawQuery != null && !rawQuery.isEmpty()) {
      for (String pair : rawQuery.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String key = decode(eq >= 0 ? pair.substring(0, eq) : pair, "query");
        String shownKey = PLAIN_WORD.matcher(key).matches() ? key
            : "'" + visible(key) + "' (not a parameter name)";
        String value = text(eq >= 0 ? pair.substring(eq + 1) : "", switch (key) {
          case "user" -> "user name";
          case "password" -> "password";
          default -> "parameter " + shownKey;
        });
        if (params.containsKey(key)) {
          throw parameterError("its parameter " + shownKey + " appears more than once");
        }
        params.put(key, value);
      }
    }
    // Credentials given as query parameters are moved to the credentials (never into sql-url).
    String queryUser = params.remove("user");
    String queryPassword = params.remove("password");
    if (queryUser != null) {
      if (user != null && !user.isEmpty()) {
        throw malformed("it names the user name twice (before the host and as ?user=)");
      }
      user = queryUser;
    }
    if (queryPassword != null) {
      if (password != null) {
        throw malformed("it gives the password twice (before the host and as ?password=)");
      }
      password = queryPassword;
    }
    if (user == null || user.isEmpty()) {
      throw malformed("it names no user (expected USER:PASSWORD@ before the host)");
    }
    String sslmode = params.get("sslmode");
    if (sslmode != null && !SSLMODES.contains(sslmode)) {
      throw malformed("its sslmode '" + visible(sslmode) + "' is not one of "
          + String.join(", ", SSLMODES));
    }
    for (Map.Entry<String, String> p : params.entrySet()) {
      if (!p.getKey().equals("sslmode")) {
        DriverParameters.problem(p.getKey(), p.getValue()).ifPresent(problem -> {
          throw parameterError("its parameter " + (PLAIN_WORD.matcher(p.getKey()).matches()
              ? p.getKey() : "'" + visible(p.getKey()) + "'") + " " + problem);
        });
      }
    }
    String role = user;
    ScramPassword.problem(password).ifPresent(problem -> {
      throw unusablePassword(problem, role);
    });
    return new PostgresUrl(source, scheme, host, port, database, user, password, params, null);
  }

  /** What is wrong with the host as written, found without java.net.URI (for text it refused). */
  private Optional<String> rawHostProblem() {
    int schemeEnd = text.indexOf("://");
    if (schemeEnd < 0) {
      return Optional.empty();
    }
    int end = schemeEnd + 3;
    while (end < text.length() && "/?#".indexOf(text.charAt(end)) < 0) {
      end++;
    }
    String authority = text.substring(schemeEnd + 3, end);
    String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      if (close >= 0 && close + 1 < hostPort.length() && hostPort.charAt(close + 1) != ':') {
        return Optional.of("its host has unexpected text after the IPv6 address");
      }
      return hostProblem(close < 0 ? hostPort : hostPort.substring(0, close + 1));
    }
    int colon = hostPort.indexOf(':');
    return hostProblem(colon < 0 ? hostPort : hostPort.substring(0, colon));
  }

  /**
   * Why {@code host} (as written in the URL, not decoded) is not a DNS name, an IPv4 address or a
   * bracketed IPv6 address; empty when it is one.
   */
  static Optional<String> hostProblem(String host) {
    String expected = " (a host is a DNS name, an IPv4 address or an IPv6 address in [ ])";
    if (host.startsWith("[")) {
      if (!host.endsWith("]")) {
        return Optional.of("its host has no closing ']' after the IPv6 address");
      }
      String inner = host.substring(1, host.length() - 1);
      if (inner.contains("%")) {
        return Optional.of("its host is an IPv6 address with a zone (%...), which is not"
            + " supported" + expected);
      }
      if (!inner.matches("[0-9A-Fa-f:.]+") || !inner.contains(":") || !isIpv6(inner)) {
        return Optional.of("its host '" + visible(host) + "' is not a valid IPv6 address"
            + expected);
      }
      return Optional.empty();
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
          || c == '.' || c == '-' || c == '_')) {
        return Optional.of("its host contains " + describe(c)
            + (c == '%' ? " (percent-encoding is not allowed in a host)" : "") + expected);
      }
    }
    String[] labels = host.split("\\.", -1);
    boolean numeric = true;
    for (String label : labels) {
      numeric &= NUMERIC_LABEL.matcher(label).matches();
    }
    boolean valid = host.length() <= 253;
    for (String label : labels) {
      valid &= HOST_LABEL.matcher(label).matches();
    }
    if (numeric) {
      valid &= labels.length == 4;
      for (String label : labels) {
        valid &= label.length() <= 3 && Integer.parseInt(label) <= 255;
      }
    }
    return valid ? Optional.empty()
        : Optional.of("its host '" + host + "' is not a host name, an IPv4 address or an IPv6"
            + " address in [ ]");
  }

  private static boolean isIpv6(String inner) {
    try {
      return new URI("x://[" + inner + "]/").getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** A decoded part that must hold no control characters (they would forge lines elsewhere). */
  private String text(String raw, String part) {
    String decoded = decode(raw, part);
    for (int i = 0; i < decoded.length(); i++) {
      if (Character.isISOControl(decoded.charAt(i))) {
        throw malformed("its " + part + " contains a control character ("
            + describe(decoded.charAt(i)) + ")");
      }
    }
    return decoded;
  }

  /**
   * Masks the password of a URL that may not even parse: everything between the first ':' after
   * the scheme and the last '@' is hidden, as is any {@code password=} query parameter.
   */
  static String maskRaw(String raw) {
    if (raw == null) {
      return null;
    }
    int schemeEnd = raw.indexOf("://");
    int start = schemeEnd >= 0 ? schemeEnd + 3 : 0;
    String masked = raw;
    int at = raw.lastIndexOf('@');
    if (at > start) {
      int colon = raw.indexOf(':', start);
      if (colon >= 0 && colon < at) {
        masked = raw.substring(0, colon + 1) + Secrets.MASK + raw.substring(at);
      }
    } else if (at < 0) {
      // No '@': a non-numeric "port" may be a password; hide what follows the host's ':'.
      int colon = raw.indexOf(':', start);
      if (colon >= 0) {
        int end = colon + 1;
        while (end < raw.length() && "/?#".indexOf(raw.charAt(end)) < 0) {
          end++;
        }
        String port = raw.substring(colon + 1, end);
        if (!port.matches("[0-9]*")) {
          masked = raw.substring(0, colon + 1) + Secrets.MASK + raw.substring(end);
        }
      }
    }
    return Secrets.maskUrls(masked);
  }

  private UserError malformed(String what) {
    return new UserError(source + " is not a usable Postgres URL: " + what + ".",
        "Value (password masked): " + visible(maskRaw(text)),
        EXPECTED_FORM,
        ENCODING_HINT,
        "Heroku Postgres sets DATABASE_URL itself; if you set it by hand, fix it ("
            + Advice.system().configSet(source + "=...") + "), or point " + URL_VAR_SETTING
            + " at the config var of the attached database.");
  }

  private UserError unusablePassword(String problem, String role) {
    return new UserError(source + "'s password holds " + problem + ": Datomic's PostgreSQL"
            + " driver cannot log in with it.",
        "With scram-sha-256 (Heroku Postgres) the driver prepares the password with SASLprep"
            + " (RFC 4013); the drivers Datomic ships fail on such a password, so the transactor,"
            + " the peer server and backups would fail at boot.",
        "Give the role a password of letters, digits and ASCII punctuation (heroku"
            + " pg:credentials:rotate makes one; as the owner: ALTER ROLE "
            + "\"" + visible(role).replace("\"", "\"\"") + "\" PASSWORD '...';), then set " + source
            + " to the new URL.");
  }

  private UserError parameterError(String what) {
    return new UserError(source + " is not a usable Postgres URL: " + what + ".",
        "Value (password masked): " + visible(maskRaw(text)),
        "Parameters it passes to the PostgreSQL driver: sslmode, "
            + String.join(", ", DriverParameters.allowed()) + ".",
        "Parameters that load classes, write files, weaken TLS or name another host are refused;"
            + " sslmode may also be set with " + PostgresUrl.SSLMODE_SETTING + ".",
        "Remove the parameter from the URL: " + Advice.system().configSet(source + "=..."));
  }

  private static String describeSyntaxError(URISyntaxException e) {
    String reason = e.getReason();
    if (reason != null && reason.toLowerCase(Locale.ROOT).contains("escape")) {
      return "it has a bad percent-encoding ('%' must be followed by two hex digits; write a"
          + " literal % as %25)";
    }
    return "it contains characters not allowed in a URL (" + (reason == null ? "syntax error"
        : reason.toLowerCase(Locale.ROOT)) + ") at position " + e.getIndex();
  }

  /** Strict UTF-8 percent-decoding ('+' stays '+'). */
  private String decode(String s, String part) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int i = 0;
    while (i < s.length()) {
      if (s.charAt(i) == '%') {
        if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0
            || Character.digit(s.charAt(i + 2), 16) < 0) {
          throw malformed("its " + part + " has a bad percent-encoding ('%' must be"
              + " followed by two hex digits; write a literal % as %25)");
        }
        bytes.write(Character.digit(s.charAt(i + 1), 16) * 16
            + Character.digit(s.charAt(i + 2), 16));
        i += 3;
      } else {
        int next = s.indexOf('%', i);
        int end = next < 0 ? s.length() : next;
        bytes.writeBytes(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
        i = end;
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw malformed("its " + part + " is percent-encoded but not valid UTF-8");
    }
  }

  /** A character as a message names it: {@code ','}, {@code a space}, {@code U+000A}. */
  private static String describe(char c) {
    if (c == ' ') {
      return "a space";
    }
    if (Character.isISOControl(c) || Character.isWhitespace(c)) {
      return "U+" + Integer.toHexString(0x10000 | c).substring(1).toUpperCase(Locale.ROOT);
    }
    return "'" + c + "'";
  }

  /** {@code s} with control characters shown as {@code \\uXXXX}, so a message stays one line. */
  static String visible(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c)) {
        b.append("\\u").append(Integer.toHexString(0x10000 | c).substring(1));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
