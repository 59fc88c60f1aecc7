package datomic.buildpack.storage;

import datomic.buildpack.config.Advice;
import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.output.Secrets;
import datomic.buildpack.output.UserError;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * A Heroku-style Postgres URL ({@code postgres://user:password@host:5432/dbname?params}), parsed
 * strictly, and what Datomic needs from it: a JDBC URL without credentials (for {@code sql-url},
 * with {@code sql-user} / {@code sql-password} beside it) and the peer connection URI.
 * {@link PostgresUrlParser} reads and checks the URL; {@link ConnectionStrings} renders it. What
 * the parser accepts cannot inject one part into another: the host is a DNS name, an IPv4 address
 * or a bracketed IPv6 address; no part holds a control character; only allow-listed driver
 * parameters ({@link DriverParameters}) pass, each once.
 *
 * <p>{@code sslmode} precedence: {@code DATOMIC_SQL_SSLMODE} when the user set it, else an
 * {@code sslmode} in the URL's query, else {@code require} (what Heroku Postgres needs). Under
 * Heroku CI ({@code CI=true}), whose in-dyno database has no TLS, the URL decides: its
 * {@code sslmode}, else what a URL without one means to libpq and pgjdbc, {@code prefer}.
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
  /** What a URL without sslmode means to libpq and pgjdbc; used under Heroku CI (CI=true). */
  public static final String URL_DEFAULT_SSLMODE = "prefer";
  /** Seconds to open a connection and to log in: the buildpack's own and Datomic's. */
  public static final int CONNECT_TIMEOUT_SECONDS = 10;
  /** Seconds a connection may wait for any one answer from the server before it fails. */
  public static final int SOCKET_TIMEOUT_SECONDS = 60;
  /**
   * The driver's time limits every JDBC URL handed to Datomic carries, in seconds, unless the
   * database URL sets them itself: without them a database that accepts connections and never
   * answers keeps a Datomic process waiting forever.
   */
  public static final Map<String, Integer> DRIVER_TIME_LIMITS = timeLimits();

  private static Map<String, Integer> timeLimits() {
    Map<String, Integer> limits = new LinkedHashMap<>();
    limits.put("connectTimeout", CONNECT_TIMEOUT_SECONDS);
    limits.put("loginTimeout", CONNECT_TIMEOUT_SECONDS);
    limits.put("socketTimeout", SOCKET_TIMEOUT_SECONDS);
    return Collections.unmodifiableMap(limits);
  }

  private final String source;
  private final String scheme;
  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final String password;
  private final Map<String, String> params;
  private final String sslModeOverride;

  PostgresUrl(String source, String scheme, String host, int port, String database,
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
    return PostgresUrlParser.parse(raw, source);
  }

  /**
   * Reads the URL from the config var named by {@code DATOMIC_DATABASE_URL_VAR} (default
   * {@code DATABASE_URL}) and applies {@code DATOMIC_SQL_SSLMODE} when the user set it.
   *
   * @throws UserError when no database URL is configured, or it is not usable (see
   *     {@link #configured})
   */
  public static PostgresUrl fromEnvironment(ConfigRegistry registry, Environment env) {
    Advice advice = Advice.of(env);
    return configured(registry, env).orElseThrow(() -> new UserError(
        "No database URL: config var " + DEFAULT_URL_VAR + " is not set.",
        "Datomic's sql storage needs a Postgres database.",
        advice.local() ? "Add one: " + advice.addPostgres()
            : "Attach one with: heroku addons:create heroku-postgresql:essential-0",
        "If the database is attached under another name (e.g. HEROKU_POSTGRESQL_RED_URL): "
            + advice.configSet(URL_VAR_SETTING, "THAT_NAME")));
  }

  /**
   * The database URL the environment configures, with {@code DATOMIC_SQL_SSLMODE} applied when the
   * user set it (under Heroku CI, without it, the URL's own sslmode or {@code prefer}); empty only when {@code DATOMIC_DATABASE_URL_VAR} is unset and {@code DATABASE_URL}
   * is not set at all.
   *
   * @throws UserError when the var named is missing, empty, the setting itself, or does not hold
   *     a usable Postgres URL (see {@link DatabaseUrlVar})
   */
  public static Optional<PostgresUrl> configured(ConfigRegistry registry, Environment env) {
    return DatabaseUrlVar.read(registry, env).map(url -> {
      if (registry.isSet(env, SSLMODE_SETTING)) {
        return url.withSslMode(registry.value(env, SSLMODE_SETTING).orElseThrow());
      }
      // Heroku CI's in-dyno Postgres has no TLS: there the default follows the URL.
      if (herokuCi(env) && !url.params.containsKey("sslmode")) {
        return url.withSslMode(URL_DEFAULT_SSLMODE);
      }
      return url;
    });
  }

  /** Whether this runs under Heroku CI, which sets CI=true in its test dynos. */
  public static boolean herokuCi(Environment env) {
    return env.get("CI").map(v -> v.equalsIgnoreCase("true")).orElse(false);
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

  /**
   * Query parameters of the URL, in order, decoded; {@code user}/{@code password} removed. Only
   * {@code sslmode} and the parameters {@link DriverParameters} allows, each once.
   */
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
   * The JDBC URL as the database URL says it: {@code jdbc:postgresql://host:port/db?sslmode=<mode>
   * &<other params>}, without credentials. The buildpack's own connections use it (with their own
   * time limits as properties).
   */
  public String jdbcUrl() {
    return ConnectionStrings.jdbcUrl(this);
  }

  /**
   * The JDBC URL handed to Datomic, for {@code sql-url} and in the peer URIs: {@link #jdbcUrl()}
   * with the driver's time limits ({@link #DRIVER_TIME_LIMITS}) the URL does not set itself.
   */
  public String datomicJdbcUrl() {
    return ConnectionStrings.datomicJdbcUrl(this);
  }

  /**
   * The JDBC URL handed to Datomic with {@code user=} and {@code password=} (masked unless
   * revealed) added.
   */
  public String jdbcUrlWithCredentials(boolean revealPassword) {
    return ConnectionStrings.jdbcUrlWithCredentials(this, revealPassword);
  }

  /**
   * The peer connection URI {@code datomic:sql://<dbName>?jdbc:postgresql://host:port/db?user=..
   * &password=..&sslmode=..}. The password is {@link Secrets#MASK} unless {@code revealPassword}.
   *
   * @throws UserError when {@code dbName} is not letters, digits and hyphens
   */
  public String peerUri(String dbName, boolean revealPassword) {
    return ConnectionStrings.peerUri(this, dbName, revealPassword);
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
    String base = datomicJdbcUrl();
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
    props.put("sql-url", datomicJdbcUrl());
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
    return ConnectionStrings.masked(this, scheme);
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
    return PostgresUrlParser.maskRaw(raw);
  }

  /** Form-encodes for a URL query, keeping '/' and ':' readable (pgjdbc decodes either way). */
  static String encode(String s) {
    return ConnectionStrings.encode(s);
  }
}
