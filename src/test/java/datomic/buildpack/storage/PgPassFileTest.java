package datomic.buildpack.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.files.PrivateFile;
import datomic.buildpack.local.PostgresServer.Database;
import datomic.buildpack.local.PostgresServer;
import datomic.buildpack.output.UserError;
import datomic.buildpack.testsupport.PeerLibrary;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The password file and the password-less peer URI, proven with the real Datomic peer library
 * (com.datomic:peer, its own JVM) against the test PostgreSQL, which requires passwords
 * (scram-sha-256): with the file, Datomic gets past authentication to storage.
 */
@Order(1) // one of the longest classes: started first (junit-platform.properties)
class PgPassFileTest {
  static final PostgresServer PG = PostgresServer.shared();
  @TempDir Path tmp;

  /** What Datomic says when it tries to connect to {@code uri}: every cause's message. */
  static Run.Result connect(String uri, Map<String, String> env) {
    return PeerLibrary.eval("(require '[datomic.api :as d])"
        + "(try (d/connect \"" + uri + "\") (println \"CONNECTED\")"
        + " (catch Throwable t (loop [e t] (when e (println \"CAUSE:\" (.getName (class e))"
        + " (.getMessage e)) (recur (.getCause e))))))"
        + "(System/exit 0)", env, 240);
  }

  @Test
  void datomicAuthenticatesThroughTheFileWithThePasswordInNoUri() throws IOException {
    Database db = PG.newDatabase();
    // A password with both characters the file format escapes.
    String password = "pw:with\\colon:" + PostgresServer.randomToken();
    PG.setPassword(db.user(), password);
    PostgresUrl url = PostgresUrl.parse(new Database(PG, db.name(), db.user(), password).url())
        .withSslMode(PG.ssl() ? "require" : "disable");
    String uri = url.peerUriWithoutPassword("app-db");
    assertFalse(uri.contains("password"), uri);
    assertFalse(uri.contains(password), uri);

    // Without the file and with it, in two JVMs at once (each takes seconds to load Datomic).
    CompletableFuture<Run.Result> withoutFile =
        CompletableFuture.supplyAsync(() -> connect(uri, Map.of()));
    Path file = PrivateFile.replace(Files.createDirectories(tmp.resolve("runtime")),
        PgPassFile.FILE_NAME, PgPassFile.of(url).text());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    Run.Result withFile = connect(uri, Map.of(PgPassFile.ENV, file.toString()));
    Run.Result without = withoutFile.join();
    assertTrue(without.all().toLowerCase().contains("password"), "no file, no password: "
        + without);
    assertFalse(without.all().contains("datomic_kvs"), without.toString());

    assertTrue(withFile.all().contains("relation \"datomic_kvs\" does not exist"),
        "authenticated: storage is reached and has no table yet: " + withFile);

    db.execute("CREATE TABLE datomic_kvs (id text NOT NULL, rev integer, map text, val bytea,"
        + " CONSTRAINT pk_id PRIMARY KEY (id))");
    db.execute("GRANT ALL ON datomic_kvs TO " + PostgresServer.ident(db.user()));
    Run.Result table = connect(uri, Map.of(PgPassFile.ENV, file.toString()));
    assertTrue(table.all().contains("Could not find app-db in catalog"), table.toString());
    assertFalse(table.all().contains(password), table.toString());
  }

  @Test
  void thePasswordLessUriIsThePeerUriWithoutItsPassword() {
    PostgresUrl url = PostgresUrl.parse("postgres://u%40x:s3cr%3At@db.example.com:6543/d1?ApplicationName=b");
    assertEquals("datomic:sql://my-db?jdbc:postgresql://db.example.com:6543/d1?user=u%40x"
        + "&sslmode=require&ApplicationName=b&connectTimeout=10&loginTimeout=10&socketTimeout=60",
        url.peerUriWithoutPassword("my-db"));
    assertEquals(url.peerUri("my-db", true).replace("&password=s3cr:t", ""),
        url.peerUriWithoutPassword("my-db"));
    assertThrows(UserError.class, () -> url.peerUriWithoutPassword("bad,name"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "plain        | plain",
    "a:b          | a\\:b",
    "back\\slash  | back\\\\slash",
    "\\:          | \\\\\\:",
  })
  void escapesColonAndBackslash(String raw, String escaped) {
    assertEquals(escaped, PgPassFile.escape(raw));
  }

  @Test
  void oneLineForTheUrlsHostPortDatabaseUserAndPassword() {
    PostgresUrl url = PostgresUrl.parse("postgres://us%3Aer:p%40ss%3Aw%5Cd@db.example.com:6543/d1");
    assertEquals("db.example.com:6543:d1:us\\:er:p@ss\\:w\\\\d\n", PgPassFile.of(url).text());
    assertEquals("*:5432:d1:u:p\n",
        PgPassFile.of(PostgresUrl.parse("postgres://u:p@[::1]/d1")).text());
  }

  @ParameterizedTest
  @CsvSource({
    "postgresql-42.5.1.jar,          true",
    "postgresql-42.3.0.jar,          true",
    "postgresql-43.0.0.jar,          true",
    "postgresql-42.2.27.jre7.jar,    false",
    "postgresql-9.3-1102-jdbc41.jar, false",
    // A version no int holds is a name not recognised, not a crash (NumberFormatException).
    "postgresql-99999999999999999999.1.jar, false",
    "postgresql-42.99999999999999999999.jar, false",
  })
  void readsTheDriverVersionFromTheDistributionsJarName(String jar, boolean reads)
      throws IOException {
    Path lib = Files.createDirectories(tmp.resolve("dist/lib"));
    Files.writeString(lib.resolve("dep-0.jar"), "x");
    Files.writeString(lib.resolve(jar), "x");
    PgPassFile.Support support = PgPassFile.support(tmp.resolve("dist"));
    assertEquals(reads, support.readsPgPass(), support.toString());
    assertTrue(support.evidence().contains(jar), support.evidence());
  }

  @Test
  void aDistributionWithoutADriverJarIsNotTrustedToReadTheFile() throws IOException {
    Files.createDirectories(tmp.resolve("dist/lib"));
    PgPassFile.Support support = PgPassFile.support(tmp.resolve("dist"));
    assertFalse(support.readsPgPass());
    assertTrue(support.evidence().contains("no lib/postgresql-*.jar"), support.evidence());
  }
}
