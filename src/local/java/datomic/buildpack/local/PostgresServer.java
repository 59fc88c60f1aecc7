package datomic.buildpack.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real, throwaway PostgreSQL server for tests and the local dry run, started from the
 * machine's binaries.
 *
 * <ul>
 *   <li>data, socket and log under one temp folder, deleted on {@link #close()} or JVM exit;
 *   <li>listens on 127.0.0.1 on a free port; TCP needs {@code scram-sha-256} passwords;
 *   <li>SSL is on (self-signed certificate) when {@code openssl} is available, so Heroku's
 *       {@code sslmode=require} works; see {@link #ssl()};
 *   <li>as root, {@code initdb} and {@code postgres} run as {@code nobody}.
 * </ul>
 *
 * <p>Most tests share one server per JVM through {@link #shared()} and make their own database
 * with {@link #newDatabase()}. A test that stops or restarts the server should use its own
 * {@link #start()} in a try-with-resources instead.
 */
public final class PostgresServer implements AutoCloseable {
  public static final String HOST = "127.0.0.1";
  public static final String SUPERUSER = "postgres";
  private static final String RUN_AS = "nobody";
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static PostgresServer shared;

  private final Path root;
  private final Path data;
  private final Path bin;
  private final String superPassword;
  private final boolean ssl;
  private final boolean asRoot;
  private final Thread hook;
  private int port;
  private boolean running;
  private boolean closed;

  /** The server shared by all tests of this JVM, started on first use. */
  public static synchronized PostgresServer shared() {
    if (shared == null) {
      shared = start();
    }
    return shared;
  }

  /**
   * Starts a server for a local run, or returns null (after saying why) when this machine has no
   * PostgreSQL server binaries.
   */
  public static PostgresServer startIfAvailable(datomic.buildpack.output.Log log) {
    try {
      return start();
    } catch (IllegalStateException e) {
      log.warning("No local PostgreSQL server: " + e.getMessage(),
          "The transactor will use dev storage instead.");
      return null;
    }
  }

  /** Starts a new server of one's own; close it when done. */
  public static PostgresServer start() {
    return start(true);
  }

  /**
   * Starts a server of one's own that accepts no SSL at all, like Heroku CI's in-dyno database
   * ({@code heroku-postgresql:in-dyno}); close it when done.
   */
  public static PostgresServer startWithoutSsl() {
    return start(false);
  }

  private static PostgresServer start(boolean ssl) {
    try {
      PostgresServer s = new PostgresServer(ssl);
      s.startServer();
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start a test PostgreSQL server", e);
    }
  }

  private PostgresServer(boolean withSsl) throws IOException {
    this.bin = findBinaries();
    this.asRoot = isRoot();
    this.superPassword = randomToken();
    // As root, the folder's parents must be searchable by nobody: /tmp always is.
    Path tmp = Path.of("/tmp");
    this.root = asRoot && Files.isDirectory(tmp)
        ? Files.createTempDirectory(tmp, "datomic-buildpack-pg-")
        : Files.createTempDirectory("datomic-buildpack-pg-");
    this.data = root.resolve("data");
    this.hook = new Thread(this::closeQuietly, "postgres-server-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    Files.createDirectories(root.resolve("sock"));
    Path pwfile = root.resolve("pwfile");
    Files.writeString(pwfile, superPassword + "\n");
    Files.setPosixFilePermissions(pwfile, PosixFilePermissions.fromString("rw-------"));
    if (asRoot) {
      chownToRunAs(root);
    }
    run(60, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", SUPERUSER,
        "--pwfile=" + pwfile, "--auth-local=trust", "--auth-host=scram-sha-256",
        "--encoding=UTF8", "--locale=C", "--no-sync");
    this.ssl = withSsl && makeCertificate();
    List<String> conf = new ArrayList<>(List.of(
        "",
        "# test settings (datomic-buildpack PostgresServer)",
        "listen_addresses = '" + HOST + "'",
        "unix_socket_directories = '" + root.resolve("sock") + "'",
        "password_encryption = 'scram-sha-256'",
        "fsync = off",
        "synchronous_commit = off",
        "full_page_writes = off",
        "max_connections = 60",
        "shared_buffers = 32MB",
        "logging_collector = off"));
    if (ssl) {
      conf.add("ssl = on");
      conf.add("ssl_cert_file = 'server.crt'");
      conf.add("ssl_key_file = 'server.key'");
    }
    Files.write(data.resolve("postgresql.conf"), conf, StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  private void startServer() {
    IllegalStateException last = null;
    for (int i = 0; i < 3; i++) {
      if (port == 0 || i > 0) {
        port = freePort();
      }
      try {
        pgCtlStart();
        running = true;
        return;
      } catch (IllegalStateException e) {
        last = e; // most likely the port was taken between picking and binding it: pick another
      }
    }
    throw last;
  }

  private void pgCtlStart() {
    run(90, bin.resolve("pg_ctl").toString(), "-D", data.toString(),
        "-l", root.resolve("postgres.log").toString(), "-o", "-p " + port, "-w", "-t", "60",
        "start");
  }

  /** Stops the server (fast shutdown); the data stays for {@link #restart()}. */
  public synchronized void stop() {
    if (running) {
      run(60, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w",
          "-t", "30", "stop");
      running = false;
    }
  }

  /** Starts a stopped server again on the same port. */
  public synchronized void restart() {
    stop();
    pgCtlStart();
    running = true;
  }

  public synchronized boolean running() {
    return running;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (running) {
        run(30, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate",
            "-w", "-t", "20", "stop");
        running = false;
      }
    } finally {
      deleteRecursively(root);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException ignored) {
        // already shutting down
      }
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      System.err.println("PostgresServer: stop failed: " + e.getMessage());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Facts

  public String host() {
    return HOST;
  }

  public int port() {
    return port;
  }

  /** Whether the server accepts SSL (so {@code sslmode=require} works). */
  public boolean ssl() {
    return ssl;
  }

  /** The server's self-signed certificate (PEM, CN 127.0.0.1), for {@code sslrootcert}; see {@link #ssl()}. */
  public Path certificate() {
    return data.resolve("server.crt");
  }

  /** The server's log so far (handy in assertion messages). */
  public String log() {
    try {
      return Files.readString(root.resolve("postgres.log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Roles, databases, URLs

  /** A database and the role that uses it. */
  public record Database(PostgresServer server, String name, String user, String password) {
    /** {@code postgres://user:pass@127.0.0.1:port/name}, user and password percent-encoded. */
    public String url() {
      return server.url(user, password, name);
    }

    /** The URL with a query string appended, e.g. {@code url("sslmode=disable")}. */
    public String url(String query) {
      return url() + "?" + query;
    }

    /** Runs SQL in this database as the superuser. */
    public void execute(String sql) {
      server.execute(name, sql);
    }

    /** Runs a query in this database as the superuser; every value as text (null as null). */
    public List<List<String>> query(String sql) {
      return server.query(name, sql);
    }

    /** A connection to this database as its role. */
    public Connection connect() throws SQLException {
      return server.connect(name, user, password);
    }
  }

  /** A new role owning a new database: the normal Heroku case (it may create tables). */
  public Database newDatabase() {
    String user = uniqueName("app");
    String password = randomToken();
    createRole(user, password);
    String db = uniqueName("db");
    createDatabase(db, user);
    return new Database(this, db, user, password);
  }

  /**
   * A new role that may connect to a new database owned by the superuser but create nothing in it
   * (PostgreSQL 15 no longer grants CREATE on schema public to PUBLIC; it is revoked explicitly
   * too, for older servers).
   */
  public Database newDatabaseWithoutCreate() {
    String user = uniqueName("ro");
    String password = randomToken();
    createRole(user, password);
    String db = uniqueName("db");
    createDatabase(db, SUPERUSER);
    execute(db, "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
    execute(db, "GRANT CONNECT ON DATABASE " + ident(db) + " TO " + ident(user));
    execute(db, "GRANT USAGE ON SCHEMA public TO " + ident(user));
    return new Database(this, db, user, password);
  }

  /** A database role that may log in with {@code password}. */
  public void createRole(String name, String password) {
    execute("postgres", "CREATE ROLE " + ident(name) + " LOGIN PASSWORD " + literal(password));
  }

  /** Changes a role's password (credential rotation). */
  public void setPassword(String role, String newPassword) {
    execute("postgres", "ALTER ROLE " + ident(role) + " PASSWORD " + literal(newPassword));
  }

  public void createDatabase(String name, String owner) {
    execute("postgres", "CREATE DATABASE " + ident(name) + " OWNER " + ident(owner));
  }

  /** {@code postgres://user:pass@127.0.0.1:port/db}, user and password percent-encoded. */
  public String url(String user, String password, String database) {
    return "postgres://" + pct(user) + ":" + pct(password) + "@" + HOST + ":" + port + "/"
        + pct(database);
  }

  /** A JDBC URL (no credentials) for {@code database}. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + HOST + ":" + port + "/" + database + "?sslmode=disable";
  }

  /** A connection as any role. */
  public Connection connect(String database, String user, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("connectTimeout", "10");
    p.setProperty("ApplicationName", "datomic-buildpack-tests");
    return DriverManager.getConnection(jdbcUrl(database), p);
  }

  /** A connection as the superuser. */
  public Connection superuser(String database) throws SQLException {
    return connect(database, SUPERUSER, superPassword);
  }

  /** Runs SQL (one or more statements) as the superuser. */
  public void execute(String database, String sql) {
    try (Connection c = superuser(database); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed in " + database + ": " + sql + ": "
          + e.getMessage(), e);
    }
  }

  /** Runs a query as the superuser; every value as text (SQL NULL as null). */
  public List<List<String>> query(String database, String sql) {
    try (Connection c = superuser(database); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      List<List<String>> rows = new ArrayList<>();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.add(rs.getString(i));
        }
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException("query failed in " + database + ": " + sql + ": "
          + e.getMessage(), e);
    }
  }

  /** A port on 127.0.0.1 that nothing listens on (just now). */
  public static int closedPort() {
    return freePort();
  }

  public static String uniqueName(String prefix) {
    return (prefix + "_" + COUNTER.incrementAndGet() + "_" + Long.toString(
        RANDOM.nextLong() & Long.MAX_VALUE, 36)).toLowerCase(Locale.ROOT);
  }

  public static String randomToken() {
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  public static String ident(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  public static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  private static String pct(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  // ---------------------------------------------------------------------------------------------
  // Processes and files

  private static Path findBinaries() {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String dir : path.split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path initdb = Path.of(dir, "initdb");
      if (Files.isExecutable(initdb)) {
        try {
          Path real = initdb.toRealPath().getParent();
          if (Files.isExecutable(real.resolve("pg_ctl"))) {
            return real;
          }
        } catch (IOException ignored) {
          // try the next one
        }
      }
    }
    Path lib = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(lib)) {
      try (Stream<Path> versions = Files.list(lib)) {
        Optional<Path> best = versions.map(v -> v.resolve("bin"))
            .filter(b -> Files.isExecutable(b.resolve("initdb"))
                && Files.isExecutable(b.resolve("pg_ctl")))
            .max(Comparator.comparingInt(b -> versionOf(b.getParent())));
        if (best.isPresent()) {
          return best.get();
        }
      } catch (IOException ignored) {
        // fall through to the error
      }
    }
    throw new IllegalStateException("PostgreSQL server binaries (initdb, pg_ctl) were not found on"
        + " PATH or under /usr/lib/postgresql/*/bin. The storage tests need a real server:"
        + " install it with `apt-get install postgresql` (Debian/Ubuntu).");
  }

  private static int versionOf(Path dir) {
    try {
      return Integer.parseInt(dir.getFileName().toString().replaceAll("\\..*", ""));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static boolean isRoot() {
    try {
      Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor(10, TimeUnit.SECONDS);
      return out.equals("0");
    } catch (IOException e) {
      return "root".equals(System.getProperty("user.name"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private void chownToRunAs(Path path) throws IOException {
    UserPrincipal owner =
        path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(RUN_AS);
    try (Stream<Path> all = Files.walk(path)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Files.setOwner(p, owner);
      }
    }
  }

  /** A self-signed certificate so the server speaks SSL; false when openssl is unavailable. */
  private boolean makeCertificate() throws IOException {
    Path crt = data.resolve("server.crt");
    Path key = data.resolve("server.key");
    try {
      Process p = new ProcessBuilder("openssl", "req", "-new", "-x509", "-days", "2", "-nodes",
          "-newkey", "rsa:2048", "-subj", "/CN=" + HOST, "-keyout", key.toString(),
          "-out", crt.toString()).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return false;
      }
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    if (asRoot) {
      chownToRunAs(crt);
      chownToRunAs(key);
    }
    return true;
  }

  /** Runs a command (as {@code nobody} when we are root); fails with its output on error. */
  private String run(int timeoutSeconds, String... command) {
    List<String> cmd = new ArrayList<>();
    if (asRoot) {
      if (Files.isExecutable(Path.of("/usr/sbin/runuser")) || Files.isExecutable(Path.of("/sbin/runuser"))) {
        cmd.addAll(List.of("runuser", "-u", RUN_AS, "--"));
      } else {
        cmd.addAll(List.of("setpriv", "--reuid=" + RUN_AS, "--regid=nogroup", "--clear-groups",
            "--"));
      }
    }
    cmd.addAll(List.of(command));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(root.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
    pb.environment().put("LC_ALL", "C");
    pb.environment().put("HOME", root.toString());
    try {
      Path out = Files.createTempFile("pg-cmd-", ".out");
      try {
        Process p = pb.redirectOutput(out.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException(String.join(" ", cmd) + " timed out after "
              + timeoutSeconds + " s\n" + Files.readString(out) + "\n" + tail(log()));
        }
        String output = Files.readString(out);
        if (p.exitValue() != 0) {
          throw new IllegalStateException(String.join(" ", cmd) + " failed (exit "
              + p.exitValue() + ")\n" + output + "\n" + tail(log()));
        }
        return output;
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(String.join(" ", cmd) + " could not run", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + cmd, e);
    }
  }

  private static String tail(String text) {
    return text.length() <= 3000 ? text : text.substring(text.length() - 3000);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + HOST, e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort at exit
        }
      });
    } catch (IOException ignored) {
      // best effort at exit
    }
  }
}
