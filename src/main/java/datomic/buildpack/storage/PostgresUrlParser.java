package datomic.buildpack.storage;

import static datomic.buildpack.storage.PostgresUrl.DEFAULT_PORT;
import static datomic.buildpack.storage.PostgresUrl.SSLMODES;
import static datomic.buildpack.storage.PostgresUrl.URL_VAR_SETTING;

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

/**
 * Reads a Heroku-style Postgres URL into a {@link PostgresUrl}: parsing and validation, with
 * errors that show the URL with its password masked. Rendering lives in {@link ConnectionStrings}.
 */
final class PostgresUrlParser {
  private static final String EXPECTED_FORM =
      "Expected form: postgres://USER:PASSWORD@HOST:PORT/DATABASE (scheme postgres or postgresql;"
          + " PORT defaults to 5432).";
  private static final String ENCODING_HINT =
      "Characters such as @ : / ? # % in the user name or password must be percent-encoded"
          + " (%40 %3A %2F %3F %23 %25).";

  private PostgresUrlParser() {}

  /**
   * Parses {@code raw}, read from config var {@code source} (named in error messages).
   *
   * @throws UserError when the URL is malformed; the message shows it with the password masked
   */
  static PostgresUrl parse(String raw, String source) {
    Objects.requireNonNull(source, "source");
    if (raw == null || raw.isBlank()) {
      throw new UserError(source + " is empty.", EXPECTED_FORM,
          "Attach Heroku Postgres (heroku addons:create heroku-postgresql) or set the var.");
    }
    String text = raw.strip();
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw malformed(source, text, describeSyntaxError(e));
    }
    String scheme = uri.getScheme();
    if (scheme == null || uri.isOpaque()) {
      throw malformed(source, text, "it does not start with postgres:// or postgresql://");
    }
    scheme = scheme.toLowerCase(Locale.ROOT);
    if (!scheme.equals("postgres") && !scheme.equals("postgresql")) {
      throw malformed(source, text,
          "its scheme is '" + scheme + "', expected postgres:// or postgresql://");
    }
    if (uri.getRawFragment() != null) {
      throw malformed(source, text, "it contains '#' (a '#' in the password must be written %23)");
    }
    String authority = uri.getRawAuthority();
    if (authority == null || authority.isEmpty()) {
      throw malformed(source, text, "it names no host");
    }
    int at = authority.lastIndexOf('@');
    String rawUserInfo = at >= 0 ? authority.substring(0, at) : null;
    String hostPort = at >= 0 ? authority.substring(at + 1) : authority;

    String host;
    String portText = null;
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      if (close < 0) {
        throw malformed(source, text, "its IPv6 host has no closing ']'");
      }
      host = hostPort.substring(0, close + 1);
      String rest = hostPort.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw malformed(source, text, "unexpected text after the IPv6 host");
        }
        portText = rest.substring(1);
      }
    } else {
      int colon = hostPort.indexOf(':');
      host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
      portText = colon >= 0 ? hostPort.substring(colon + 1) : null;
    }
    if (host.isEmpty()) {
      throw malformed(source, text, "it names no host");
    }
    host = decode(host, source, text, "host");
    int port = DEFAULT_PORT;
    if (portText != null && !portText.isEmpty()) {
      if (!portText.matches("[0-9]{1,5}")) {
        // A non-numeric "port" is often a password with an unencoded '/', '?' or '#'; never echo it.
        throw malformed(source, text, "its port is not a number (or the password contains an"
            + " unencoded '/', '?' or '#')");
      }
      port = Integer.parseInt(portText);
      if (port < 1 || port > 65535) {
        throw malformed(source, text, "its port " + port + " is outside 1-65535");
      }
    }

    String user = null;
    String password = null;
    if (rawUserInfo != null) {
      int colon = rawUserInfo.indexOf(':');
      String rawUser = colon >= 0 ? rawUserInfo.substring(0, colon) : rawUserInfo;
      user = decode(rawUser, source, text, "user name");
      if (colon >= 0) {
        password = decode(rawUserInfo.substring(colon + 1), source, text, "password");
      }
    }

    String rawPath = uri.getRawPath();
    if (rawPath == null || rawPath.isEmpty() || rawPath.equals("/")) {
      throw malformed(source, text, "it names no database (the path after the host, as in /dbname)");
    }
    if (rawPath.indexOf('@') >= 0) {
      throw malformed(source, text, "its path contains '@' (a '/' in the password must be"
          + " written %2F)");
    }
    String database = decode(rawPath.substring(1), source, text, "database name");
    if (database.contains("/")) {
      throw malformed(source, text, "its path has more than one segment; expected just /dbname");
    }

    Map<String, String> params = new LinkedHashMap<>();
    String rawQuery = uri.getRawQuery();
    if (rawQuery != null && !rawQuery.isEmpty()) {
      for (String pair : rawQuery.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String key = decode(eq >= 0 ? pair.substring(0, eq) : pair, source, text, "query");
        String value = eq >= 0 ? decode(pair.substring(eq + 1), source, text, "query") : "";
        params.put(key, value);
      }
    }
    // Credentials given as query parameters are moved to the credentials (never into sql-url).
    String queryUser = params.remove("user");
    String queryPassword = params.remove("password");
    if (user == null || user.isEmpty()) {
      user = queryUser;
    }
    if (password == null) {
      password = queryPassword;
    }
    if (user == null || user.isEmpty()) {
      throw malformed(source, text, "it names no user (expected USER:PASSWORD@ before the host)");
    }
    String sslmode = params.get("sslmode");
    if (sslmode != null && !SSLMODES.contains(sslmode)) {
      throw malformed(source, text, "its sslmode '" + sslmode + "' is not one of "
          + String.join(", ", SSLMODES));
    }
    return new PostgresUrl(source, scheme, host, port, database, user, password, params, null);
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

  private static UserError malformed(String source, String raw, String what) {
    return new UserError(source + " is not a usable Postgres URL: " + what + ".",
        "Value (password masked): " + maskRaw(raw),
        EXPECTED_FORM,
        ENCODING_HINT,
        "Heroku Postgres sets DATABASE_URL itself; if you set it by hand, fix it with"
            + " heroku config:set, or point " + URL_VAR_SETTING
            + " at the config var of the attached database.");
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
  private static String decode(String s, String source, String raw, String part) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0
            || Character.digit(s.charAt(i + 2), 16) < 0) {
          throw malformed(source, raw, "its " + part + " has a bad percent-encoding ('%' must be"
              + " followed by two hex digits; write a literal % as %25)");
        }
        bytes.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw malformed(source, raw, "its " + part + " is percent-encoded but not valid UTF-8");
    }
  }

}
