package datomic.buildpack.storage;

import datomic.buildpack.config.Advice;
import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.config.Switches;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.Secrets;
import datomic.buildpack.output.Units;
import datomic.buildpack.output.UserError;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * Makes sure Datomic's storage table {@code datomic_kvs} exists in the Postgres database, with
 * exactly the shape of Datomic's {@code bin/sql/postgres-table.sql}. It creates the table only when
 * it is missing, under a transaction-scoped advisory lock so concurrent boots cannot race, and
 * never drops, alters or touches rows. A table of another shape is refused with what differs.
 *
 * <p>Connection failures that may pass (refused, timeout, database starting up) are retried with
 * exponential backoff; credential, privilege and missing-database failures are not.
 */
public final class KvsBootstrap {
  public static final String TABLE = "datomic_kvs";
  /** Datomic's official table, without the owner/grant statements a managed database forbids. */
  public static final String CREATE_TABLE_SQL = "CREATE TABLE datomic_kvs (id text NOT NULL,"
      + " rev integer, map text, val bytea, CONSTRAINT pk_id PRIMARY KEY (id))";
  /** The advisory lock key: the ASCII bytes of "datomic" (shared with nothing else we know of). */
  public static final long LOCK_KEY = 0x0064_6174_6f6d_6963L;
  public static final String APPLICATION_NAME = "datomic-buildpack";
  public static final String ATTEMPTS_SETTING = "DATOMIC_STORAGE_CONNECT_ATTEMPTS";
  public static final int DEFAULT_ATTEMPTS =
      Integer.parseInt(ConfigRegistry.load().defaultOf("DATOMIC_STORAGE_CONNECT_ATTEMPTS"));

  /** Expected columns in order: name to {@code format_type} text. */
  static final Map<String, String> EXPECTED_COLUMNS = new LinkedHashMap<>();

  static {
    EXPECTED_COLUMNS.put("id", "text");
    EXPECTED_COLUMNS.put("rev", "integer");
    EXPECTED_COLUMNS.put("map", "text");
    EXPECTED_COLUMNS.put("val", "bytea");
  }

  /** What {@link #ensureTable()} found. */
  public enum Outcome {
    CREATED("created table datomic_kvs"),
    ALREADY_PRESENT("table datomic_kvs already present");

    private final String description;

    Outcome(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  /** The outcome, where the table lives, and how many connection attempts it took. */
  public record Result(Outcome outcome, String schema, int attempts) {
    public boolean created() {
      return outcome == Outcome.CREATED;
    }

    /** A line for the boot log, e.g. {@code created table datomic_kvs in schema public}. */
    public String describe() {
      return outcome.description() + " in schema " + schema
          + (attempts > 1 ? " (after " + attempts + " connection attempts)" : "");
    }
  }

  /**
   * Runs between "is the table there?" (no) and {@code CREATE TABLE}, on the bootstrap's own
   * connection inside its transaction: a test holds the window open here to prove that a second
   * boot cannot enter it meanwhile.
   */
  @FunctionalInterface
  interface Window {
    void beforeCreate(Connection c) throws SQLException, InterruptedException;
  }

  /** Sleeps between attempts; replaceable in tests. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final PostgresUrl url;
  private final Secrets secrets;
  private int attempts = DEFAULT_ATTEMPTS;
  private Duration backoffBase = Duration.ofSeconds(1);
  private Duration backoffMax = Duration.ofSeconds(30);
  private int connectTimeoutSeconds = PostgresUrl.CONNECT_TIMEOUT_SECONDS;
  private int socketTimeoutSeconds = PostgresUrl.SOCKET_TIMEOUT_SECONDS;
  private Sleeper sleeper = d -> Thread.sleep(d.toMillis());
  private Window window = c -> { };
  private Log log;
  private Advice advice = Advice.system();

  public KvsBootstrap(PostgresUrl url) {
    this.url = Objects.requireNonNull(url, "url");
    this.secrets = url.secrets();
  }

  /**
   * A bootstrap for the database named by the environment ({@code DATOMIC_DATABASE_URL_VAR},
   * {@code DATOMIC_SQL_SSLMODE}, {@code DATOMIC_STORAGE_CONNECT_ATTEMPTS}).
   */
  public static KvsBootstrap fromEnvironment(ConfigRegistry registry, Environment env) {
    return forUrl(PostgresUrl.fromEnvironment(registry, env), registry, env);
  }

  /** A bootstrap for {@code url}, already read from the environment, with its retry setting. */
  public static KvsBootstrap forUrl(PostgresUrl url, ConfigRegistry registry, Environment env) {
    KvsBootstrap b = new KvsBootstrap(url);
    b.advice = Advice.of(env);
    String n = registry.value(env, ATTEMPTS_SETTING).orElse(String.valueOf(DEFAULT_ATTEMPTS));
    try {
      b.attempts(Integer.parseInt(n.strip()));
    } catch (IllegalArgumentException e) {
      throw new UserError(ATTEMPTS_SETTING + "=" + n + " is not a valid number of attempts.",
          "Expected a whole number from 1 to 20.");
    }
    Switches.of(env).backoff().ifPresent(b::backoffBase);
    return b;
  }

  /** How many times to try to connect before giving up (at least 1). */
  public KvsBootstrap attempts(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("attempts must be at least 1");
    }
    this.attempts = n;
    return this;
  }

  /** The wait after the first failed attempt; it doubles after each further one (capped). */
  public KvsBootstrap backoffBase(Duration base) {
    this.backoffBase = Objects.requireNonNull(base);
    return this;
  }

  /** The longest wait between attempts. */
  public KvsBootstrap backoffMax(Duration max) {
    this.backoffMax = Objects.requireNonNull(max);
    return this;
  }

  public KvsBootstrap connectTimeoutSeconds(int seconds) {
    this.connectTimeoutSeconds = seconds;
    return this;
  }

  public KvsBootstrap socketTimeoutSeconds(int seconds) {
    this.socketTimeoutSeconds = seconds;
    return this;
  }

  public KvsBootstrap sleeper(Sleeper sleeper) {
    this.sleeper = Objects.requireNonNull(sleeper);
    return this;
  }

  /** Test hook: what runs in the window between the check for the table and its creation. */
  KvsBootstrap beforeCreate(Window window) {
    this.window = Objects.requireNonNull(window);
    return this;
  }

  /** Where to report retries and warnings (optional). */
  public KvsBootstrap log(Log log) {
    this.log = log;
    return this;
  }

  public PostgresUrl url() {
    return url;
  }

  /** The wait before attempt {@code attempt + 1}, after {@code attempt} failures. */
  Duration backoff(int attempt) {
    long millis = backoffBase.toMillis();
    for (int i = 1; i < attempt && millis < backoffMax.toMillis(); i++) {
      millis *= 2;
    }
    return Duration.ofMillis(Math.min(millis, backoffMax.toMillis()));
  }

  /**
   * Connects (with bounded retries) and makes sure {@code datomic_kvs} exists with Datomic's shape.
   *
   * @throws UserError when the database cannot be reached, refuses the credentials, does not
   *     exist, the role may not create the table, or an existing table has another shape
   */
  public Result ensureTable() {
    return withConnection("while preparing datomic_kvs", this::ensureTable);
  }

  /**
   * Connects once, as a Datomic process handed this storage will, with the same bounded retries
   * and explanations as {@link #ensureTable()}, and touches nothing: for the processes that give
   * the storage to Datomic (the peer server, create-database, the Console, backups), so that
   * storage that cannot be reached, credentials it refuses or a role without connections left are
   * named in one message before Datomic's connection pool meets them.
   *
   * @return how many connection attempts it took
   * @throws UserError when the database cannot be reached, refuses the connection or the
   *     credentials, or does not exist
   */
  public int reach() {
    return withConnection("while checking the connection", (c, attempt) -> attempt);
  }

  /** What runs on a connection of {@link #withConnection}. */
  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c, int attempt) throws SQLException;
  }

  private <T> T withConnection(String what, Work<T> work) {
    SQLException last = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try (Connection c = connect()) {
        return work.run(c, attempt);
      } catch (SQLException e) {
        if (!isTransient(e)) {
          throw explain(e, what);
        }
        last = e;
        if (attempt < attempts) {
          Duration wait = backoff(attempt);
          if (log != null) {
            log.detail("Postgres at " + where() + " " + retried(e) + " (attempt " + attempt
                + " of " + attempts + ": " + clean(e) + "); retrying in " + Units.seconds(wait)
                + ".");
          }
          try {
            sleeper.sleep(wait);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            break;
          }
        }
      }
    }
    throw gaveUp(last);
  }

  /**
   * What a connection limit means (SQLSTATE 53300): the role's or the database's CONNECTION
   * LIMIT, or the server's max_connections; empty for any other failure.
   */
  private enum Limit {
    ROLE, DATABASE, SERVER;

    static Optional<Limit> of(SQLException e) {
      if (e == null || !"53300".equals(e.getSQLState())) {
        return Optional.empty();
      }
      String text = String.valueOf(e.getMessage());
      return Optional.of(text.contains("for role") ? ROLE
          : text.contains("for database") ? DATABASE : SERVER);
    }
  }

  /** How the retry line names a failure that may pass: what it is, from the first attempt. */
  private String retried(SQLException e) {
    return Limit.of(e).map(limit -> switch (limit) {
      case ROLE -> "has no connection left for role '" + url.user() + "' (its CONNECTION LIMIT)";
      case DATABASE -> "has no connection left for database '" + url.database()
          + "' (its CONNECTION LIMIT)";
      case SERVER -> "has no connection left (max_connections)";
    }).orElse("is not reachable");
  }

  /** The message after the last attempt: what the last failure was, and what to do. */
  private UserError gaveUp(SQLException last) {
    String tries = attempts + (attempts == 1 ? " attempt." : " attempts.");
    String lastError = "Last error: " + (last == null ? "interrupted" : clean(last));
    String restart = "This dyno exits now and Heroku will restart it; to wait longer at boot,"
        + " raise " + ATTEMPTS_SETTING + " (1-20, now " + attempts + ").";
    UserError error = Limit.of(last).map(limit -> switch (limit) {
      case ROLE, DATABASE -> new UserError((limit == Limit.ROLE
              ? "Postgres role '" + url.user() + "'" : "Database '" + url.database() + "'")
              + " has no connection left at " + where() + " after " + tries,
          lastError,
          "Its CONNECTION LIMIT is reached: other processes hold its connections (heroku pg:ps"
              + " lists them, heroku pg:killall ends them), or the limit is 0, which allows none.",
          "See it as the database owner: SELECT rolconnlimit FROM pg_roles WHERE rolname = '"
              + url.user() + "'; (or datconnlimit in pg_database; -1 is no limit), and raise it"
              + " with ALTER " + (limit == Limit.ROLE ? "ROLE" : "DATABASE") + " ... CONNECTION"
              + " LIMIT; a Heroku plan's own limit is in heroku pg:info.",
          restart);
      case SERVER -> new UserError("Postgres at " + where() + " had no connection left after "
              + tries,
          lastError,
          "All of its max_connections are in use (heroku pg:ps lists them): fewer peers, a"
              + " smaller DATOMIC_PEER_CONNECTIONS, or a plan with more connections.",
          restart);
    }).orElseGet(() -> new UserError("Could not reach Postgres at " + where() + " after " + tries,
        lastError,
        "The database may be restarting, under maintenance, or gone; check it with: heroku pg:info",
        restart));
    return error.withCause(last == null ? null : new SQLException(clean(last), last.getSQLState()));
  }

  /** A connection as the app's role (ApplicationName datomic-buildpack), with the timeouts. */
  Connection connect() throws SQLException {
    Properties props = url.jdbcProperties();
    props.setProperty("ApplicationName", APPLICATION_NAME);
    props.setProperty("connectTimeout", String.valueOf(connectTimeoutSeconds));
    props.setProperty("loginTimeout", String.valueOf(connectTimeoutSeconds));
    props.setProperty("socketTimeout", String.valueOf(socketTimeoutSeconds));
    props.setProperty("tcpKeepAlive", "true");
    try {
      Class.forName(PostgresUrl.DRIVER_CLASS);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("PostgreSQL JDBC driver missing from the classpath", e);
    }
    return DriverManager.getConnection(url.jdbcUrl(), props);
  }

  private Result ensureTable(Connection c, int attempt) throws SQLException {
    c.setAutoCommit(false);
    try {
      try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
        lock.setLong(1, LOCK_KEY);
        lock.execute();
      }
      Optional<Relation> existing = findTable(c);
      Result result;
      if (existing.isPresent()) {
        checkShape(c, existing.get());
        result = new Result(Outcome.ALREADY_PRESENT, existing.get().schema(), attempt);
      } else {
        try {
          window.beforeCreate(c);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new SQLException("interrupted before CREATE TABLE", "57014", e);
        }
        try (Statement s = c.createStatement()) {
          s.execute(CREATE_TABLE_SQL);
        }
        Relation created = findTable(c).orElseThrow(
            () -> new IllegalStateException("datomic_kvs not visible right after CREATE TABLE"));
        result = new Result(Outcome.CREATED, created.schema(), attempt);
      }
      c.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException ignored) {
        // the connection is going away; the transaction dies with it
      }
      throw e;
    }
  }

  private record Relation(long oid, String schema, String kind) {}

  /** The relation {@code datomic_kvs} resolves to through the search_path, if any. */
  private static Optional<Relation> findTable(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT c.oid, n.nspname, c.relkind::text FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.oid = to_regclass(?)")) {
      s.setString(1, TABLE);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new Relation(rs.getLong(1), rs.getString(2), rs.getString(3)));
      }
    }
  }

  private void checkShape(Connection c, Relation rel) throws SQLException {
    String name = rel.schema() + "." + TABLE;
    if (!rel.kind().equals("r") && !rel.kind().equals("p")) {
      throw new UserError(name + " exists but is not a table (relkind '" + rel.kind() + "').",
          "Datomic needs a plain table created by: " + CREATE_TABLE_SQL + ";",
          "The buildpack never drops or changes existing objects; rename or drop it yourself.");
    }
    Map<String, String[]> found = new LinkedHashMap<>();
    try (PreparedStatement s = c.prepareStatement(
        "SELECT attname, format_type(atttypid, atttypmod), attnotnull FROM pg_attribute"
            + " WHERE attrelid = ? AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
      s.setLong(1, rel.oid());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          found.put(rs.getString(1),
              new String[] {rs.getString(2), rs.getBoolean(3) ? "NOT NULL" : ""});
        }
      }
    }
    List<String> pk = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(
        "SELECT a.attname FROM pg_constraint k"
            + " CROSS JOIN LATERAL unnest(k.conkey) WITH ORDINALITY AS u(attnum, ord)"
            + " JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum"
            + " WHERE k.conrelid = ? AND k.contype = 'p' ORDER BY u.ord")) {
      s.setLong(1, rel.oid());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          pk.add(rs.getString(1));
        }
      }
    }
    List<String> differences = new ArrayList<>();
    for (Map.Entry<String, String> e : EXPECTED_COLUMNS.entrySet()) {
      String[] f = found.get(e.getKey());
      String expected = e.getValue() + (e.getKey().equals("id") ? " NOT NULL" : "");
      if (f == null) {
        differences.add("column " + e.getKey() + ": expected " + expected + ", found: missing");
      } else if (!f[0].equals(e.getValue()) || e.getKey().equals("id") && f[1].isEmpty()) {
        differences.add("column " + e.getKey() + ": expected " + expected + ", found "
            + (f[0] + " " + f[1]).strip());
      }
    }
    List<String> extra = new ArrayList<>();
    for (Map.Entry<String, String[]> f : found.entrySet()) {
      if (!EXPECTED_COLUMNS.containsKey(f.getKey())) {
        extra.add(f.getKey());
        differences.add("column " + f.getKey() + ": not expected, found "
            + (f.getValue()[0] + " " + f.getValue()[1]).strip());
      }
    }
    if (!pk.equals(List.of("id"))) {
      differences.add("primary key: expected (id), found "
          + (pk.isEmpty() ? "none" : "(" + String.join(", ", pk) + ")"));
    }
    if (!differences.isEmpty()) {
      List<String> advice = new ArrayList<>();
      advice.add("Table " + name + " exists but does not have Datomic's shape:");
      differences.forEach(d -> advice.add("  - " + d));
      advice.add("Datomic's table is: " + CREATE_TABLE_SQL + ";");
      advice.add("The buildpack never drops or alters an existing table. If it holds no data you"
          + " need, drop it (DROP TABLE " + name + ";) and deploy again; otherwise point "
          + PostgresUrl.URL_VAR_SETTING + " at another database.");
      throw new UserError("Table " + name + " has the wrong shape for Datomic ("
          + differences.size() + (differences.size() == 1 ? " difference)." : " differences)."),
          advice.toArray(String[]::new));
    }
  }

  /** Whether a failure may pass by itself (worth a retry). */
  static boolean isTransient(SQLException e) {
    String state = e.getSQLState();
    if (state == null) {
      return false;
    }
    if (state.equals("08004")) {
      // Rejected by the server or the driver: a missing password, an authentication method or
      // SSL the other side refuses. Waiting will not change that.
      return false;
    }
    if (tlsFailure(e) || tlsFileFailure(e)) {
      return false; // a certificate that does not verify, or a file that is not there
    }
    return state.startsWith("08") // connection exceptions: refused, timeout, broken
        || state.equals("57P01") || state.equals("57P02") || state.equals("57P03") // shutdown, starting up
        || state.equals("53300") // too many connections
        || state.equals("40001") || state.equals("40P01"); // serialization failure, deadlock
  }

  /** The TLS handshake failed: a certificate that does not verify, a protocol refused. */
  private static boolean tlsFailure(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException
          || t instanceof java.security.GeneralSecurityException) {
        return true;
      }
    }
    return false;
  }

  /** A TLS file the URL names (sslrootcert, sslcert, sslkey), or the driver's default, is unreadable. */
  private static boolean tlsFileFailure(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.io.FileNotFoundException
          || String.valueOf(t.getMessage()).matches("(?s)Could not (open|read|find) SSL .*")) {
        return true;
      }
    }
    return false;
  }

  private UserError explain(SQLException e, String what) {
    String state = String.valueOf(e.getSQLState());
    String var = url.source();
    boolean noPassword = url.password().map(String::isEmpty).orElse(true);
    if (noPassword && (state.equals("28P01") || state.equals("08004")
        && String.valueOf(e.getMessage()).contains("password"))) {
      // What the driver says here ("no password was provided by plugin null") is about its own
      // internals: the first line says it in our words.
      return new UserError(var + (url.password().isEmpty() ? " has no password" : " has an empty"
          + " password") + ", but Postgres at " + where() + " asks for one (user '" + url.user()
          + "').",
          advice.local()
              ? "Put the password in " + var + " (postgres://USER:PASSWORD@HOST/DB in .env), or"
                  + " let this user in without one (trust, in pg_hba.conf);"
              : "A Heroku Postgres URL carries USER:PASSWORD@HOST. See the current one with"
                  + " heroku pg:credentials:url and set " + var + " to it whole;",
          "percent-encode @ : / ? # % in a password you type (%40 %3A %2F %3F %23 %25).")
          .withCause(new SQLException(clean(e), e.getSQLState()));
    }
    if (tlsFileFailure(e)) {
      return new UserError("A TLS file for Postgres at " + where() + " cannot be read (sslmode "
          + url.sslMode() + ").",
          "Driver said: " + clean(e),
          "Files named by sslrootcert, sslcert or sslkey in " + var + " must be in the app (e.g."
              + " sslrootcert=/app/.postgresql/root.crt); verify-ca and verify-full need"
              + " sslrootcert.",
          "Heroku Postgres's certificates are not from a public CA: sslmode require encrypts"
              + " without verifying (unset " + PostgresUrl.SSLMODE_SETTING + ").")
          .withCause(new SQLException(clean(e), e.getSQLState()));
    }
    if (tlsFailure(e)) {
      return new UserError("The TLS handshake with Postgres at " + where() + " failed (sslmode "
          + url.sslMode() + ").",
          "Driver said: " + clean(e),
          "With verify-ca or verify-full, sslrootcert in " + var + " must hold the certificate"
              + " of the CA that signed the server's (verify-full also checks the host name).",
          "Heroku Postgres's certificates are not from a public CA: sslmode require encrypts"
              + " without verifying (unset " + PostgresUrl.SSLMODE_SETTING + ").")
          .withCause(new SQLException(clean(e), e.getSQLState()));
    }
    if (state.equals("28000") && String.valueOf(e.getMessage()).contains("pg_hba.conf")) {
      return new UserError("Postgres at " + where() + " does not accept this connection"
          + " (sslmode " + url.sslMode() + ").",
          "Server said: " + clean(e),
          "Heroku Postgres only accepts SSL connections: unset " + PostgresUrl.SSLMODE_SETTING
              + " or set it to require (or stricter).")
          .withCause(new SQLException(clean(e), e.getSQLState()));
    }
    UserError error = switch (state) {
      case "25006" -> new UserError(
          "Database '" + url.database() + "' at " + where() + " is read-only.",
          "Server said: " + clean(e),
          "The transactor needs the primary database, not a follower: check " + var + ".");
      case "28P01", "28000" -> new UserError(
          "Postgres refused the credentials for user '" + url.user() + "' at " + where() + ".",
          "Server said: " + clean(e),
          "The password was probably rotated (heroku pg:credentials:rotate) or the URL is wrong.",
          "Check the config var " + var + " (heroku config:get " + var + "); Heroku updates"
              + " DATABASE_URL itself when it rotates credentials, so a copy in another var goes stale.");
      case "3D000" -> new UserError(
          "Database '" + url.database() + "' does not exist at " + where() + ".",
          "Server said: " + clean(e),
          "Check the database name in the config var " + var + "; the buildpack does not create"
              + " databases (create it with CREATE DATABASE as an owner, or attach Heroku Postgres).");
      case "42501" -> new UserError(
          "Postgres role '" + url.user() + "' may not create table datomic_kvs in database '"
              + url.database() + "'.",
          "Server said: " + clean(e),
          "Datomic needs this table. Run once as the database owner (or a role with CREATE on"
              + " the schema), then deploy again:",
          "  " + CREATE_TABLE_SQL + ";",
          "  GRANT SELECT, INSERT, UPDATE, DELETE ON datomic_kvs TO \"" + url.user() + "\";",
          "Or use credentials that own the database (Heroku's default credential does).");
      default -> {
        if (state.equals("08004") && String.valueOf(e.getMessage()).contains("SSL")) {
          yield new UserError(
              "Postgres at " + where() + " does not accept SSL, but sslmode is " + url.sslMode() + ".",
              "Server said: " + clean(e),
              "Heroku Postgres always supports SSL; for a local database without SSL: "
                  + advice.configSet(PostgresUrl.SSLMODE_SETTING, "disable"));
        }
        if (state.equals("08004")) {
          yield new UserError("Postgres at " + where() + " rejected the connection.",
              "Server said: " + clean(e),
              "Waiting will not change this: check " + var + " (heroku config:get " + var
                  + ") and the database (heroku pg:info).");
        }
        yield new UserError("Postgres at " + where() + " failed " + what
            + " (SQLSTATE " + state + ").",
            "Server said: " + clean(e),
            "Check the database with: heroku pg:info; if it is healthy, report this with the log.");
      }
    };
    return error.withCause(new SQLException(clean(e), e.getSQLState()));
  }

  private String where() {
    return url.host() + ":" + url.port() + "/" + url.database();
  }

  private String clean(SQLException e) {
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return Secrets.maskUrls(secrets.mask(msg.strip().replaceAll("\\s+", " ")));
  }

}
