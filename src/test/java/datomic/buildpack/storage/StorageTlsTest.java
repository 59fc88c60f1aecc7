package datomic.buildpack.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.local.PostgresServer.Database;
import datomic.buildpack.local.PostgresServer;
import datomic.buildpack.output.UserError;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the summary says about TLS is what the connections do, checked by the real server
 * ({@code pg_stat_ssl}): the bootstrap's own connection, a connection made from {@code sql-url}
 * with {@code sql-user}/{@code sql-password} (what the transactor gets), and one made from the peer
 * URI's JDBC part. A URL that would turn TLS off behind the summary's back is refused; a TLS
 * failure is said at once, as a TLS failure.
 */
class StorageTlsTest {
  private static final PostgresServer PG = PostgresServer.shared();

  @BeforeAll
  static void needsSsl() {
    org.junit.jupiter.api.Assumptions.assumeTrue(PG.ssl(), "server has no SSL (no openssl)");
  }

  private static String sslOf(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static String sslOf(String jdbcUrl, Properties props) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl, props)) {
      return sslOf(c);
    }
  }

  private static KvsBootstrap bootstrap(PostgresUrl url) {
    return new KvsBootstrap(url).attempts(3).backoffBase(Duration.ofMillis(10))
        .connectTimeoutSeconds(10);
  }

  /** The case: %3F/%2F/%3A in the host once added sslmode=disable behind "require". */
  @Test
  void aHostSmugglingSslmodeDisableIsRefused() throws SQLException {
    Database db = PG.newDatabase();
    String hostile = "postgres://" + db.user() + ":" + db.password() + "@127.0.0.1%3A" + PG.port()
        + "%2F" + db.name() + "%3Fsslmode%3Ddisable%26x%3D:" + PG.port() + "/" + db.name();
    PostgresUrl url;
    try {
      url = PostgresUrl.parse(hostile, "DATABASE_URL");
    } catch (UserError e) {
      assertTrue(e.getMessage().contains("its host contains '%'"), e.getMessage());
      assertFalse((e.getMessage() + e.advice()).contains(db.password()));
      return;
    }
    fail("accepted; the summary says sslmode=" + url.sslMode() + " (" + url.jdbcUrl()
        + ") while the connection has ssl=" + sslOf(url.jdbcUrl(), url.jdbcProperties()));
  }

  @ParameterizedTest(name = "URL sslmode {0}, DATOMIC_SQL_SSLMODE {1}")
  @CsvSource({
      // sslmode in the URL (- none), DATOMIC_SQL_SSLMODE (- unset), effective, ssl on the wire
      "-,           -,           require,     true",
      "require,     -,           require,     true",
      "verify-ca,   -,           verify-ca,   true",
      "verify-full, -,           verify-full, true",
      "disable,     require,     require,     true",
      "-,           verify-full, verify-full, true",
      "prefer,      -,           prefer,      true",
      "require,     disable,     disable,     false",
  })
  void everyConnectionUsesTlsExactlyAsTheSummarySays(String inUrl, String setting,
      String effective, boolean ssl) throws Exception {
    Database db = PG.newDatabase();
    List<String> query = new ArrayList<>();
    if (!inUrl.equals("-")) {
      query.add("sslmode=" + inUrl);
    }
    if (inUrl.startsWith("verify") || setting.startsWith("verify")) {
      query.add("sslrootcert=" + PG.certificate());
    }
    Map<String, String> vars = new java.util.HashMap<>();
    vars.put("DATABASE_URL", query.isEmpty() ? db.url() : db.url(String.join("&", query)));
    if (!setting.equals("-")) {
      vars.put("DATOMIC_SQL_SSLMODE", setting);
    }
    PostgresUrl url = PostgresUrl.fromEnvironment(ConfigRegistry.load(), Environment.of(vars));
    assertEquals(effective, url.sslMode());
    assertEquals(List.of("require", "verify-ca", "verify-full").contains(effective),
        url.encrypted());

    // The bootstrap's own connection, seen from inside its transaction.
    AtomicReference<String> bootstrapSsl = new AtomicReference<>();
    bootstrap(url).beforeCreate(c -> bootstrapSsl.set(sslOf(c))).ensureTable();
    assertEquals(String.valueOf(ssl), bootstrapSsl.get(), "bootstrap connection");

    // What the transactor gets: sql-url, sql-user, sql-password.
    Map<String, String> props = url.transactorProperties();
    Properties credentials = new Properties();
    credentials.setProperty("user", props.get("sql-user"));
    credentials.setProperty("password", props.get("sql-password"));
    assertEquals(String.valueOf(ssl), sslOf(props.get("sql-url"), credentials), "sql-url");

    // What peers get: the JDBC part of datomic:sql://NAME?<jdbc>.
    String peer = url.peerUri("my-db", true);
    assertEquals(String.valueOf(ssl), sslOf(peer.substring(peer.indexOf('?') + 1),
        new Properties()), "peer URI");
  }

  @Test
  void aCertificateThatDoesNotVerifyIsATlsErrorAtOnce(@TempDir Path tmp) throws Exception {
    Path otherCa = tmp.resolve("other-ca.crt");
    Process p = new ProcessBuilder("openssl", "req", "-new", "-x509", "-days", "2", "-nodes",
        "-newkey", "rsa:2048", "-subj", "/CN=127.0.0.1", "-keyout", tmp.resolve("k").toString(),
        "-out", otherCa.toString()).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl");
    Database db = PG.newDatabase();
    PostgresUrl url = PostgresUrl.parse(db.url("sslmode=verify-ca&sslrootcert=" + otherCa),
        "DATABASE_URL");
    List<Duration> waits = new ArrayList<>();

    UserError e = assertThrows(UserError.class, () -> bootstrap(url).sleeper(waits::add)
        .ensureTable());

    String all = e.getMessage() + "\n" + String.join("\n", e.advice());
    assertTrue(e.getMessage().startsWith("The TLS handshake with Postgres at 127.0.0.1:"), all);
    assertTrue(all.contains("sslmode verify-ca"), all);
    assertTrue(all.contains("sslrootcert"), all);
    assertEquals(List.of(), waits, "not retried:\n" + all);
    assertFalse(all.contains(db.password()), all);
  }

  @Test
  void aTlsFileThatIsNotThereIsNamedAtOnce() {
    Database db = PG.newDatabase();
    PostgresUrl url = PostgresUrl.parse(db.url("sslmode=verify-full"
        + "&sslrootcert=/nonexistent/root.crt"), "DATABASE_URL");
    List<Duration> waits = new ArrayList<>();

    UserError e = assertThrows(UserError.class, () -> bootstrap(url).sleeper(waits::add)
        .ensureTable());

    String all = e.getMessage() + "\n" + String.join("\n", e.advice());
    assertTrue(e.getMessage().startsWith("A TLS file for Postgres at 127.0.0.1:"), all);
    assertTrue(all.contains("/nonexistent/root.crt"), all);
    assertEquals(List.of(), waits, "not retried:\n" + all);
  }
}
