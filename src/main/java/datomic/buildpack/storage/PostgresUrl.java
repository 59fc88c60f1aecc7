package datomic.buildpack.storage;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.output.Secrets;
import datomic.buildpack.output.UserError;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * A Heroku-style Postgres URL ({@code postgres://user:password@host:5432/dbname?params}), parsed
 * strictly, and what Datomic needs from it: a JDBC URL without credentials (for {@code sql-url},
 * with {@code sql-user} / {@code sql-password} beside it) and the peer connection URI.
 *
 * <p>{@code sslmode} precedence: {@code DATOMIC_SQL_SSLMODE} when the user set it, else an
 * {@code sslmode} in the URL's query, else {@code require} (what Heroku Postgres needs).
 *
 * <p>Instances never reveal the password through {@link #toString()}; only {@link #password()},
 * {@link #transactorProperties()}, {@link #jdbcProperties()} and the {@code revealPassword} flag of
 * {@link #peerUri(String, boolean)} hand it out.
 */
public final class PostgresUrl {
  public static final int DEFAULT_PORT = 5432;
  public static final String URL_VAR_SETTING = "DATOMIC_DATABASE_URL_VAR";
  public static final String SSLMODE_SETTING = "DATOMIC_SQL_SSLMODE";
  /** From config-vars.json, the one place the modes and defaults are declared. */
  public static final List<String> SSLMODES =
      ConfigRegistry.load().find(SSLMODE_SETTING).orElseThrow().values();
  public static final String DEFAULT_SSLMODE = ConfigRegistry.load().defaultOf(SSLMODE_SETTING);
  public static final String DEFAULT_URL_VAR = ConfigRegistry.load().defaultOf(URL_VAR_SETTING);
  public static final String DRIVER_CLASS = "org.postgresql.Driver";

  private static final Pattern DATOMIC_DB_NAME = Pattern.compile("[A-Za-z0-9-]+");
  private static final String EXPECTED_FORM =
      "Expected form: postgres://USER:PASSWORD@HOST:PORT/DATABASE (scheme postgres or postgresql;"
          + " PORT defaults to 5432).";
  private static final String ENCODING_HINT =
      "Characters such as @ : / ? # % in the user name or password must be percent-encoded"
          + " (%40 %3A %2F %3F %23 %25).";

  private final String source;
  private final String scheme;
  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final String password;
  private final Map<String, String> params;
  private final String sslModeOverride;

  private PostgresUrl(String source, String scheme, String host, int port, String database,
      String user, String password, Map<String, String> params, String sslModeOverride) {
    this.source = source;
    this.scheme = scheme;
    this.host = host;
    this.port = port;
    this.database = database;
    this.user = user;
    this.password = password;
    this.params = Collections.unmodifiableMap(params);
    this.sslModeOverride = sslModeOverride;
  }

  /** Parses {@code raw}; errors name "The database URL" as the source. */
  public static PostgresUrl parse(String raw) {
    return parse(raw, "The database URL");
  }

  /**
   * Parses {@code raw}, read from config var {@code source} (named in error messages).
   *
   * @throws UserError when the URL is malformed; the message shows it with the password masked
   */
  public static PostgresUrl parse(String raw, String source) {
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
   * Reads the URL from the config var named by {@code DATOMIC_DATABASE_URL_VAR} (default
   * {@code DATABASE_URL}) and applies {@code DATOMIC_SQL_SSLMODE} when the user set it.
   */
  public static PostgresUrl fromEnvironment(ConfigRegistry registry, Environment env) {
    String varName = registry.value(env, URL_VAR_SETTING).orElse(DEFAULT_URL_VAR);
    Optional<String> raw = env.get(varName);
    if (raw.isEmpty()) {
      throw new UserError("No database URL: config var " + varName + " is not set.",
          "Datomic's sql storage needs a Postgres database.",
          "Attach one with: heroku addons:create heroku-postgresql:essential-0",
          "If the database is attached under another name (e.g. HEROKU_POSTGRESQL_RED_URL), run:"
              + " heroku config:set " + URL_VAR_SETTING + "=THAT_NAME");
    }
    PostgresUrl url = parse(raw.get(), varName);
    if (registry.isSet(env, SSLMODE_SETTING)) {
      url = url.withSslMode(registry.value(env, SSLMODE_SETTING).orElseThrow());
    }
    return url;
  }

  /** A copy whose sslmode is {@code mode}, overriding any sslmode in the URL's query. */
  public PostgresUrl withSslMode(String mode) {
    if (mode == null || !SSLMODES.contains(mode)) {
      throw new UserError(SSLMODE_SETTING + "=" + mode + " is not a valid sslmode.",
          "Expected one of " + String.join(", ", SSLMODES) + ".",
          "Heroku Postgres needs at least 'require'.");
    }
    return new PostgresUrl(source, scheme, host, port, database, user, password,
        new LinkedHashMap<>(params), mode);
  }

  public String source() {
    return source;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public String database() {
    return database;
  }

  public String user() {
    return user;
  }

  /** The decoded password; empty when the URL has none. Never log it. */
  public Optional<String> password() {
    return Optional.ofNullable(password);
  }

  /** Query parameters of the URL, in order, decoded; {@code user}/{@code password} removed. */
  public Map<String, String> params() {
    return params;
  }

  /** The effective sslmode: explicit override, else the URL's query, else {@code require}. */
  public String sslMode() {
    if (sslModeOverride != null) {
      return sslModeOverride;
    }
    return params.getOrDefault("sslmode", DEFAULT_SSLMODE);
  }

  /** Whether the sslmode guarantees an encrypted connection. */
  public boolean encrypted() {
    return List.of("require", "verify-ca", "verify-full").contains(sslMode());
  }

  /**
   * The JDBC URL for {@code sql-url}: {@code jdbc:postgresql://host:port/db?sslmode=<mode>&<other
   * params>}, without credentials.
   */
  public String jdbcUrl() {
    StringBuilder b = new StringBuilder("jdbc:postgresql://").append(host).append(':').append(port)
        .append('/').append(encode(database)).append("?sslmode=").append(sslMode());
    params.forEach((k, v) -> {
      if (!k.equals("sslmode")) {
        b.append('&').append(encode(k)).append('=').append(encode(v));
      }
    });
    return b.toString();
  }

  /** The JDBC URL with {@code user=} and {@code password=} (masked unless revealed) added. */
  public String jdbcUrlWithCredentials(boolean revealPassword) {
    String base = jdbcUrl();
    int q = base.indexOf('?');
    StringBuilder b = new StringBuilder(base.substring(0, q + 1));
    b.append("user=").append(encode(user));
    if (password != null) {
      b.append("&password=").append(revealPassword ? encode(password) : Secrets.MASK);
    }
    b.append('&').append(base.substring(q + 1));
    return b.toString();
  }

  /**
   * The peer connection URI {@code datomic:sql://<dbName>?jdbc:postgresql://host:port/db?user=..
   * &password=..&sslmode=..}. The password is {@link Secrets#MASK} unless {@code revealPassword}.
   *
   * @throws UserError when {@code dbName} is not letters, digits and hyphens
   */
  public String peerUri(String dbName, boolean revealPassword) {
    if (dbName == null || !DATOMIC_DB_NAME.matcher(dbName).matches()) {
      throw new UserError("'" + (dbName == null ? "" : dbName)
          + "' is not a valid Datomic database name.",
          "Datomic database names use letters, digits and hyphens only (e.g. my-app-db).");
    }
    return "datomic:sql://" + dbName + "?" + jdbcUrlWithCredentials(revealPassword);
  }

  /**
   * The peer connection URI without a password: {@code datomic:sql://<dbName>?jdbc:postgresql://
   * host:port/db?user=..&sslmode=..}. For a process started with {@code PGPASSFILE} pointing at a
   * {@link PgPassFile} of this URL: pgjdbc (42.3 and later) reads the password from that file
   * when the URL has none, so it appears in no process argument.
   *
   * @throws UserError when {@code dbName} is not letters, digits and hyphens
   */
  public String peerUriWithoutPassword(String dbName) {
    peerUri(dbName, false); // validates the name
    String base = jdbcUrl();
    int q = base.indexOf('?');
    return "datomic:sql://" + dbName + "?" + base.substring(0, q + 1) + "user=" + encode(user)
        + "&" + base.substring(q + 1);
  }

  /**
   * The storage URI Datomic's Console takes: the peer URI without a database name, and without a
   * password (for a process given {@code PGPASSFILE}, see {@link PgPassFile}):
   * {@code datomic:sql://?jdbc:postgresql://host:port/db?user=..&sslmode=..}.
   */
  public String storageUriWithoutPassword() {
    String uri = peerUriWithoutPassword("x");
    return "datomic:sql://" + uri.substring("datomic:sql://x".length());
  }

  /** The storage part of {@code transactor.properties}: sql-url, sql-user, sql-password, driver. */
  public Map<String, String> transactorProperties() {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("protocol", "sql");
    props.put("sql-url", jdbcUrl());
    props.put("sql-user", user);
    props.put("sql-password", password == null ? "" : password);
    props.put("sql-driver-class", DRIVER_CLASS);
    return props;
  }

  /** Connection properties for the PostgreSQL driver (credentials included). */
  public Properties jdbcProperties() {
    Properties props = new Properties();
    props.setProperty("user", user);
    if (password != null) {
      props.setProperty("password", password);
    }
    return props;
  }

  /** The URL as given, with the password masked: {@code postgres://user:********@host:5432/db}. */
  public String masked() {
    StringBuilder b = new StringBuilder(scheme).append("://").append(encode(user));
    if (password != null) {
      b.append(':').append(Secrets.MASK);
    }
    b.append('@').append(host).append(':').append(port).append('/').append(encode(database));
    String sep = "?";
    for (Map.Entry<String, String> e : params.entrySet()) {
      b.append(sep).append(encode(e.getKey())).append('=').append(encode(e.getValue()));
      sep = "&";
    }
    return b.toString();
  }

  /** A {@link Secrets} holding this URL's password, for masking driver messages. */
  public Secrets secrets() {
    return new Secrets().add(password).add(password == null ? null : encode(password));
  }

  @Override
  public String toString() {
    return "PostgresUrl[" + masked() + ", sslmode=" + sslMode() + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PostgresUrl p && p.scheme.equals(scheme) && p.host.equals(host)
        && p.port == port && p.database.equals(database) && p.user.equals(user)
        && Objects.equals(p.password, password) && p.params.equals(params)
        && p.sslMode().equals(sslMode());
  }

  @Override
  public int hashCode() {
    return Objects.hash(host, port, database, user);
  }

  /**
   * Masks the password of a URL that may not even parse: everything between the first ':' after
   * the scheme and the last '@' is hidden, as is any {@code password=} query parameter.
   */
  public static String maskRaw(String raw) {
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

  /** Form-encodes for a URL query, keeping '/' and ':' readable (pgjdbc decodes either way). */
  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20")
        .replace("%2F", "/").replace("%3A", ":");
  }
}
