package datomic.buildpack.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.output.UserError;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.Driver;

class PostgresUrlTest {
  private static final ConfigRegistry REGISTRY = ConfigRegistry.load();
  /** The driver's time limits every URL handed to Datomic carries (unless the URL sets them). */
  static final String LIMITS = "&connectTimeout=10&loginTimeout=10&socketTimeout=60";

  /**
   * A password the distributions' drivers cannot log in with (SASLprep, as pgjdbc 42.2.19 to 42.5
   * run it, refuses it) is refused when the URL is read, on every path: never shown, not even the
   * character that is the problem. Passwords SASLprep only maps (an accent, a no-break space)
   * pass.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "an emoji              | ok%F0%9F%98%80pw  | a character Unicode 3.2 did not have",
      "a private-use char    | ok%EE%80%80pw     | a character SASLprep prohibits",
      "a line separator      | ok%E2%80%A8pw     | a character SASLprep prohibits",
      "mixed right-to-left   | %D8%A7okpw        | right-to-left text",
  })
  void aPasswordTheDriverCannotUseIsRefusedWithoutShowingIt(String name, String encoded,
      String why) {
    UserError e = assertThrows(UserError.class, () -> PostgresUrl.parse(
        "postgres://app:" + encoded + "@h:5432/db", "DATABASE_URL"));
    String all = e.getMessage() + "\n" + String.join("\n", e.advice());
    assertTrue(e.getMessage().startsWith("DATABASE_URL's password holds " + why), all);
    assertTrue(all.contains("SASLprep") && all.contains("heroku pg:credentials:rotate"), all);
    assertTrue(all.contains("ALTER ROLE \"app\" PASSWORD"), all);
    String password = java.net.URLDecoder.decode(encoded, java.nio.charset.StandardCharsets.UTF_8);
    assertFalse(all.contains(password) || all.contains(encoded) || all.contains("okpw")
        || all.contains("0x"), all);
    for (int cp : password.codePoints().filter(c -> c > 0x7f).toArray()) {
      assertFalse(all.contains(new String(Character.toChars(cp))), all);
    }
  }

  @ParameterizedTest
  @CsvSource({"p%C3%A9ss-w0rd", "no%C2%A0break", "plain-ASCII_pw!~"})
  void aPasswordSaslprepOnlyMapsIsKept(String encoded) {
    assertEquals(java.net.URLDecoder.decode(encoded.replace("+", "%2B"),
            java.nio.charset.StandardCharsets.UTF_8),
        PostgresUrl.parse("postgres://app:" + encoded + "@h/db").password().orElseThrow());
  }

  /**
   * A database that accepts connections and never answers would keep Datomic waiting forever:
   * every JDBC URL handed to Datomic (sql-url, the peer URIs with and without password, the
   * Console's storage URI) carries the driver's connect, login and socket time limits, each
   * once; a limit the database URL sets itself is kept as the user wrote it, in its place.
   */
  @Test
  void everyUrlHandedToDatomicCarriesTheDriversTimeLimitsUnlessTheUrlSetsThem() {
    PostgresUrl url = PostgresUrl.parse("postgres://u:pw@h:5432/db?sslrootcert=/app/root.crt");
    String jdbc = "jdbc:postgresql://h:5432/db?sslmode=require&sslrootcert=/app/root.crt";
    assertEquals(jdbc, url.jdbcUrl(), "the buildpack's own connection sets them as properties");
    assertEquals(jdbc + LIMITS, url.datomicJdbcUrl());
    assertEquals(jdbc + LIMITS, url.transactorProperties().get("sql-url"));
    assertEquals("datomic:sql://d?jdbc:postgresql://h:5432/db?user=u&sslmode=require"
        + "&sslrootcert=/app/root.crt" + LIMITS, url.peerUriWithoutPassword("d"));
    assertEquals("datomic:sql://?jdbc:postgresql://h:5432/db?user=u&sslmode=require"
        + "&sslrootcert=/app/root.crt" + LIMITS, url.storageUriWithoutPassword());
    for (String uri : List.of(url.peerUri("d", true), url.peerUriWithoutPassword("d"),
        url.datomicJdbcUrl())) {
      Properties parsed = Driver.parseURL(uri.substring(uri.indexOf("jdbc:")), new Properties());
      assertEquals("10", parsed.getProperty("connectTimeout"), uri);
      assertEquals("10", parsed.getProperty("loginTimeout"), uri);
      assertEquals("60", parsed.getProperty("socketTimeout"), uri);
      assertEquals("require", parsed.getProperty("sslmode"), uri);
      assertEquals("/app/root.crt", parsed.getProperty("sslrootcert"), uri);
    }

    PostgresUrl own = PostgresUrl.parse("postgres://u:pw@h/db?socketTimeout=300&connectTimeout=3");
    assertEquals("jdbc:postgresql://h:5432/db?sslmode=require&socketTimeout=300"
        + "&connectTimeout=3&loginTimeout=10", own.datomicJdbcUrl());
    assertEquals(1, own.peerUri("d", false).split("socketTimeout=", -1).length - 1);
  }

  @ParameterizedTest
  @CsvSource({
      "postgres://alice:s3cret@db.example.com:5433/appdb, db.example.com, 5433",
      "postgresql://alice:s3cret@db.example.com:5433/appdb, db.example.com, 5433",
      "postgres://alice:s3cret@db.example.com/appdb, db.example.com, 5432",
      "POSTGRES://alice:s3cret@10.0.0.7/appdb, 10.0.0.7, 5432",
      "postgres://alice:s3cret@[::1]:6000/appdb, [::1], 6000",
  })
  void parsesBothSchemesAndDefaultsThePort(String raw, String host, int port) {
    PostgresUrl url = PostgresUrl.parse(raw);
    assertEquals(host, url.host());
    assertEquals(port, url.port());
    assertEquals("alice", url.user());
    assertEquals("s3cret", url.password().orElseThrow());
    assertEquals("appdb", url.database());
    assertEquals("jdbc:postgresql://" + host + ":" + port + "/appdb?sslmode=require", url.jdbcUrl());
  }

  @Test
  void decodesPercentEncodedUserAndPassword() {
    PostgresUrl url = PostgresUrl.parse("postgres://us%40er:p%40ss%3Aw%2Frd@h:5432/db");
    assertEquals("us@er", url.user());
    assertEquals("p@ss:w/rd", url.password().orElseThrow());
    assertFalse(url.jdbcUrl().contains("p@ss"), url.jdbcUrl());
    assertFalse(url.toString().contains("p@ss"), url.toString());
    assertEquals("postgres://us%40er:********@h:5432/db", url.masked());
    // '+' is a literal plus in userinfo, not a space
    assertEquals("a+b", PostgresUrl.parse("postgres://u:a+b@h/db").password().orElseThrow());
  }

  @Test
  void keepsQueryParametersAndLeavesCredentialsOutOfTheJdbcUrl() {
    PostgresUrl url = PostgresUrl.parse(
        "postgres://u:pw1234@h:5432/db?sslrootcert=/app/.postgresql/root.crt&connectTimeout=5");
    assertEquals(Map.of("sslrootcert", "/app/.postgresql/root.crt", "connectTimeout", "5"),
        url.params());
    assertEquals("jdbc:postgresql://h:5432/db?sslmode=require"
        + "&sslrootcert=/app/.postgresql/root.crt&connectTimeout=5", url.jdbcUrl());
    assertFalse(url.jdbcUrl().contains("pw1234"));
    assertFalse(url.jdbcUrl().contains("user="));

    Properties parsed = Driver.parseURL(url.jdbcUrl(), new Properties());
    assertEquals("db", parsed.getProperty("PGDBNAME"));
    assertEquals("h", parsed.getProperty("PGHOST"));
    assertEquals("5432", parsed.getProperty("PGPORT"));
    assertEquals("require", parsed.getProperty("sslmode"));
    assertEquals("/app/.postgresql/root.crt", parsed.getProperty("sslrootcert"));
  }

  @Test
  void credentialsInTheQueryMoveToTheCredentials() {
    PostgresUrl url = PostgresUrl.parse("postgres://h/db?user=bob&password=pw9876&sslmode=prefer");
    assertEquals("bob", url.user());
    assertEquals("pw9876", url.password().orElseThrow());
    assertEquals("jdbc:postgresql://h:5432/db?sslmode=prefer", url.jdbcUrl());
  }

  @Test
  void transactorPropertiesCarryTheCredentialsSeparately() {
    PostgresUrl url = PostgresUrl.parse("postgres://u:p%40ss@h:5432/db");
    assertEquals(Map.of("protocol", "sql", "sql-url", "jdbc:postgresql://h:5432/db?sslmode=require"
        + LIMITS, "sql-user", "u", "sql-password", "p@ss", "sql-driver-class", "org.postgresql.Driver"),
        url.transactorProperties());
  }

  @ParameterizedTest
  @CsvSource({
      // URL query, explicit override (- = none), effective sslmode
      "'',                   -,           require",
      "?sslmode=prefer,      -,           prefer",
      "?sslmode=verify-full, -,           verify-full",
      "?sslmode=prefer,      disable,     disable",
      "'',                   verify-ca,   verify-ca",
  })
  void sslmodePrecedence(String query, String override, String expected) {
    PostgresUrl url = PostgresUrl.parse("postgres://u:pw@h/db" + query);
    if (!override.equals("-")) {
      url = url.withSslMode(override);
    }
    assertEquals(expected, url.sslMode());
    assertTrue(url.jdbcUrl().startsWith("jdbc:postgresql://h:5432/db?sslmode=" + expected),
        url.jdbcUrl());
    assertEquals(1, url.jdbcUrl().split("sslmode=", -1).length - 1, "one sslmode only");
  }

  @Test
  void sslmodeFromTheEnvironmentOnlyWinsWhenTheUserSetIt() {
    Environment env = Environment.of(Map.of("DATABASE_URL", "postgres://u:pw@h/db?sslmode=verify-full"));
    assertEquals("verify-full", PostgresUrl.fromEnvironment(REGISTRY, env).sslMode());
    assertEquals("disable", PostgresUrl.fromEnvironment(REGISTRY,
        env.with("DATOMIC_SQL_SSLMODE", "disable")).sslMode());
    assertEquals("require", PostgresUrl.fromEnvironment(REGISTRY,
        Environment.of(Map.of("DATABASE_URL", "postgres://u:pw@h/db"))).sslMode());
    UserError bad = assertThrows(UserError.class, () -> PostgresUrl.fromEnvironment(REGISTRY,
        env.with("DATOMIC_SQL_SSLMODE", "always")));
    assertTrue(bad.getMessage().contains("DATOMIC_SQL_SSLMODE"), bad.getMessage());
  }

  @Test
  void underHerokuCiTheDefaultSslmodeFollowsTheUrl() {
    Environment ci = Environment.of(Map.of("CI", "true", "DATABASE_URL", "postgres://u:pw@h/db"));
    assertEquals("prefer", PostgresUrl.fromEnvironment(REGISTRY, ci).sslMode(),
        "a URL without sslmode means prefer, as for libpq");
    assertEquals("disable", PostgresUrl.fromEnvironment(REGISTRY,
        ci.with("DATABASE_URL", "postgres://u:pw@h/db?sslmode=disable")).sslMode());
    assertEquals("require", PostgresUrl.fromEnvironment(REGISTRY,
        ci.with("DATOMIC_SQL_SSLMODE", "require")).sslMode(), "an explicit setting wins");
    assertEquals("require", PostgresUrl.fromEnvironment(REGISTRY,
        ci.with("CI", "false")).sslMode(), "not under CI: Heroku Postgres needs TLS");
  }

  @Test
  void theUrlVarCanBeRenamed() {
    Environment env = Environment.of(Map.of(
        "DATABASE_URL", "postgres://u:pw@wrong/db",
        "HEROKU_POSTGRESQL_RED_URL", "postgres://u:pw@right/db",
        "DATOMIC_DATABASE_URL_VAR", "HEROKU_POSTGRESQL_RED_URL"));
    PostgresUrl url = PostgresUrl.fromEnvironment(REGISTRY, env);
    assertEquals("right", url.host());
    assertEquals("HEROKU_POSTGRESQL_RED_URL", url.source());

    UserError missing = assertThrows(UserError.class, () -> PostgresUrl.fromEnvironment(REGISTRY,
        Environment.of(Map.of("DATOMIC_DATABASE_URL_VAR", "OTHER_URL"))));
    assertTrue(missing.getMessage().contains("OTHER_URL is not set"), missing.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // raw URL | password fragments that must never show | expected words in the summary
      "mysql://alice:Zq8wSecret@h/db                 | Zq8wSecret          | scheme is 'mysql'",
      "http://alice:Zq8wSecret@h/db                  | Zq8wSecret          | scheme is 'http'",
      "alice:Zq8wSecret@h/db                         | Zq8wSecret          | does not start with postgres://",
      "postgres://alice:Zq8wSecret@/db               | Zq8wSecret          | names no host",
      "postgres://alice:Zq8wSecret@h:5432            | Zq8wSecret          | names no database",
      "postgres://alice:Zq8wSecret@h:5432/           | Zq8wSecret          | names no database",
      "postgres://alice:Zq8wSecret@h:99999/db        | Zq8wSecret          | port 99999 is outside",
      "postgres://alice:Zq8wSecret@h:port/db         | Zq8wSecret          | port is not a number",
      "postgres://alice:Zq8w%zzSecret@h/db           | Zq8w,zzSecret       | bad percent-encoding",
      "postgres://alice:Zq8wSecret%4@h/db            | Zq8wSecret          | bad percent-encoding",
      "postgres://alice:Zq8w%C3%28Secret@h/db        | Zq8w,Secret         | not valid UTF-8",
      "postgres://alice:Zq8w/Secret@h/db             | Zq8w,Secret         | port is not a number",
      "postgres://alice:1234/8wSecret@h:5432/db      | 1234/,8wSecret      | path contains '@'",
      "postgres://alice:Zq8w#Secret@h/db             | Zq8w,Secret         | '#'",
      "postgres://alice:Zq8wSecret/db                | Zq8wSecret          | port is not a number",
      "postgres://alice:Zq8w Secret@h/db             | Zq8w,Secret         | not allowed in a URL",
      "postgres://:Zq8wSecret@h/db                   | Zq8wSecret          | names no user",
      "postgres://alice:Zq8wSecret@h/db?sslmode=on   | Zq8wSecret          | sslmode 'on'",
      "postgres://alice:Zq8wSecret@h/a/b             | Zq8wSecret          | more than one segment",
  })
  void malformedUrlsAreUserErrorsWithTheUrlMasked(String raw, String secrets, String expected) {
    UserError e = assertThrows(UserError.class, () -> PostgresUrl.parse(raw, "DATABASE_URL"));
    String all = e.getMessage() + "\n" + String.join("\n", e.advice());
    assertTrue(e.getMessage().startsWith("DATABASE_URL is not a usable Postgres URL"), all);
    assertTrue(e.getMessage().contains(expected), all);
    for (String secret : secrets.split(",")) {
      assertFalse(all.contains(secret), "leaks '" + secret + "':\n" + all);
    }
    assertTrue(all.contains("********"), "shows the masked URL:\n" + all);
    assertTrue(e.advice().stream().anyMatch(a -> a.contains("percent-encoded")), all);
  }

  @Test
  void maskedValueLooksLikeTheUrl() {
    UserError e = assertThrows(UserError.class,
        () -> PostgresUrl.parse("postgres://user:Zq8wSecret@host:5432", "DATABASE_URL"));
    assertTrue(e.advice().contains("Value (password masked): postgres://user:********@host:5432"),
        e.advice().toString());
  }

  @Test
  void emptyUrlIsAUserError() {
    assertThrows(UserError.class, () -> PostgresUrl.parse("  ", "DATABASE_URL"));
    assertThrows(UserError.class, () -> PostgresUrl.parse(null, "DATABASE_URL"));
  }

  @Test
  void toStringNeverRevealsThePassword() {
    PostgresUrl url = PostgresUrl.parse("postgresql://u:Zq8wSecret@h:5432/db?sslmode=prefer");
    assertFalse(url.toString().contains("Zq8wSecret"), url.toString());
    assertEquals("PostgresUrl[postgresql://u:********@h:5432/db?sslmode=prefer, sslmode=prefer]",
        url.toString());
  }

  @Test
  void peerUriMasksThePasswordUnlessAsked() {
    PostgresUrl url = PostgresUrl.parse("postgres://u%40x:p%40ss%3Aw%2Frd%26%3D@h:5432/db");
    assertEquals("datomic:sql://my-db-1?jdbc:postgresql://h:5432/db?user=u%40x&password=********"
        + "&sslmode=require" + LIMITS, url.peerUri("my-db-1", false));
    String revealed = url.peerUri("my-db-1", true);
    assertTrue(revealed.startsWith("datomic:sql://my-db-1?jdbc:postgresql://h:5432/db?user="),
        revealed);
    // What pgjdbc reads back from the JDBC part is the real password.
    String jdbc = revealed.substring(revealed.indexOf('?') + 1);
    Properties parsed = Driver.parseURL(jdbc, new Properties());
    assertEquals("p@ss:w/rd&=", parsed.getProperty("password"));
    assertEquals("u@x", parsed.getProperty("user"));
    assertEquals("require", parsed.getProperty("sslmode"));
    assertEquals("db", parsed.getProperty("PGDBNAME"));
  }

  @ParameterizedTest
  @CsvSource({"my_db", "my db", "'db/x'", "''", "db?x"})
  void peerUriRejectsBadDatomicNames(String name) {
    PostgresUrl url = PostgresUrl.parse("postgres://u:pw@h/db");
    UserError e = assertThrows(UserError.class, () -> url.peerUri(name, false));
    assertTrue(e.advice().get(0).contains("letters, digits and hyphens"));
  }

  @Test
  void maskRawHandlesUnparseableText() {
    assertEquals("postgres://u:********@h/db", PostgresUrl.maskRaw("postgres://u:a@b/c:d@h/db"));
    assertEquals("postgres://h/db?password=********", PostgresUrl.maskRaw("postgres://h/db?password=x"));
    assertEquals("postgres://u:********/db", PostgresUrl.maskRaw("postgres://u:secret/db"));
    assertEquals("postgres://h:5432/db", PostgresUrl.maskRaw("postgres://h:5432/db"));
    List<String> none = Arrays.asList(PostgresUrl.maskRaw("postgres://u@h/db"));
    assertEquals(List.of("postgres://u@h/db"), none);
  }

  // --- The host: a DNS name, an IPv4 address or a bracketed IPv6 address, nothing else ---------

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // a host that would smuggle URL parts into the JDBC URL once decoded, and what is named
      "127.0.0.1%3A5432%2Fdb%3Fsslmode%3Ddisable%26x%3D:5432 | '%'",
      "h%2Fother                                              | '%'",
      "h%3Fsslmode%3Ddisable                                  | '%'",
      "evil.example.com%2Ch                                   | '%'",
      "evil.example.com,h                                     | ','",
      "h;sslmode=disable                                      | ';'",
      "h=x                                                    | '='",
      "h&x                                                    | '&'",
      "h!                                                     | '!'",
      "[::1%25eth0]                                           | IPv6",
      "[::1]x                                                 | after the IPv6",
      "[db.example.com]                                       | IPv6",
      "[::g]                                                  | IPv6",
      "-h.example.com                                         | not a host name",
      "h-.example.com                                         | not a host name",
      "a..b                                                   | not a host name",
      ".h                                                     | not a host name",
      "999.1.1.1                                              | not a host name",
      "1.2.3                                                  | not a host name",
  })
  void hostsThatAreNotANameOrAnAddressAreRefused(String host, String named) {
    String raw = "postgres://alice:Zq8wSecret@" + host + "/db";
    UserError e = assertThrows(UserError.class, () -> PostgresUrl.parse(raw, "DATABASE_URL"),
        () -> "accepted " + raw + " as " + safeJdbc(raw));
    String all = e.getMessage() + "\n" + String.join("\n", e.advice());
    assertTrue(e.getMessage().startsWith("DATABASE_URL is not a usable Postgres URL: its host"),
        all);
    assertTrue(e.getMessage().contains(named), all);
    assertFalse(all.contains("Zq8wSecret"), all);
  }

  private static String safeJdbc(String raw) {
    try {
      return PostgresUrl.parse(raw).jdbcUrl();
    } catch (RuntimeException e) {
      return e.toString();
    }
  }

  @ParameterizedTest
  @CsvSource({
      "db.example.com, db.example.com",
      "ec2-52-1-2-3.compute-1.amazonaws.com, ec2-52-1-2-3.compute-1.amazonaws.com",
      "DB.Example.COM, DB.Example.COM",
      "my_db, my_db",
      "localhost, localhost",
      "10.0.0.255, 10.0.0.255",
      "'[2001:db8::1]', '[2001:db8::1]'",
      "'[::ffff:10.0.0.1]', '[::ffff:10.0.0.1]'",
      "x1, x1",
  })
  void namesAndAddressesAreAccepted(String host, String expected) {
    PostgresUrl url = PostgresUrl.parse("postgres://u:pw@" + host + ":5433/db");
    assertEquals(expected, url.host());
    assertEquals(expected, Driver.parseURL(url.jdbcUrl(), new Properties()).getProperty("PGHOST"));
  }

  // --- Parameters: an allow-list of pgjdbc parameters; the rest is refused by name -------------

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "socketFactory=java.lang.String                       | socketFactory | loads a Java class",
      "socketFactoryArg=x                                   | socketFactoryArg | loads a Java class",
      "sslfactory=org.postgresql.ssl.NonValidatingFactory   | sslfactory    | loads a Java class",
      "sslhostnameverifier=x.Y                              | sslhostnameverifier | loads a Java class",
      "sslpasswordcallback=x.Y                              | sslpasswordcallback | loads a Java class",
      "authenticationPluginClassName=x.Y                    | authenticationPluginClassName | loads a Java class",
      "xmlFactoryFactory=x.Y                                | xmlFactoryFactory | loads a Java class",
      "connectExecutor=x.Y                                  | connectExecutor | loads a Java class",
      "loggerFile=/app/.datomic/x.log                       | loggerFile    | writes a file",
      "loggerLevel=TRACE                                    | loggerLevel   | writes",
      "PGHOST=evil.example.com                              | PGHOST        | host, port or database",
      "PGPORT=1                                             | PGPORT        | host, port or database",
      "PGDBNAME=other                                       | PGDBNAME      | host, port or database",
      "gssEncMode=require                                   | gssEncMode    | TLS",
      "sslNegotiation=direct                                | sslNegotiation | TLS",
      "ssl=false                                            | ssl           | sslmode",
      "sslpassword=x                                        | sslpassword   | secret",
      "channelBinding=disable                               | channelBinding | TLS",
      "options=-c%20search_path%3Devil                      | options       | not one the buildpack passes",
      "replication=database                                 | replication   | not one the buildpack passes",
      "service=x                                            | service       | not one the buildpack passes",
      "application_name=x                                   | application_name | not one the buildpack passes",
      "SSLMODE=disable                                      | SSLMODE       | did you mean sslmode",
      "connecttimeout=5                                     | connecttimeout | did you mean connectTimeout",
      "connectTimeout=soon                                  | connectTimeout | whole number",
      "tcpKeepAlive=maybe                                   | tcpKeepAlive  | true or false",
      "sslmode=require&sslmode=disable                      | sslmode       | more than once",
      "connectTimeout=5&connectTimeout=6                    | connectTimeout | more than once",
  })
  void parametersThatLoadClassesWriteFilesOrChangeTheTargetAreRefusedByName(String query,
      String name, String why) {
    String raw = "postgres://alice:Zq8wSecret@h/db?" + query;
    UserError e = assertThrows(UserError.class, () -> PostgresUrl.parse(raw, "DATABASE_URL"),
        () -> "accepted " + raw + " as " + safeJdbc(raw));
    String all = e.getMessage() + "\n" + String.join("\n", e.advice());
    assertTrue(e.getMessage().startsWith("DATABASE_URL is not a usable Postgres URL: its"
        + " parameter " + name), all);
    assertTrue(all.contains(why), all);
    assertFalse(all.contains("Zq8wSecret"), all);
    assertTrue(all.contains("sslmode, "), "lists the parameters it accepts:\n" + all);
  }

  /**
   * A refused parameter whose name says it is a secret is never echoed, whatever its case: the
   * message that calls sslpassword a secret does not show it.
   */
  @ParameterizedTest
  @CsvSource({"sslpassword", "PGPASSWORD", "SslPassword", "api_key", "authToken", "client_secret"})
  void aRefusedSecretParameterIsNotEchoed(String name) {
    String raw = "postgres://alice:Zq8wSecret@h/db?sslmode=require&" + name + "=K3yPa55w0rd";
    UserError e = assertThrows(UserError.class, () -> PostgresUrl.parse(raw, "DATABASE_URL"));
    String all = e.getMessage() + "\n" + String.join("\n", e.advice());
    assertFalse(all.contains("K3yPa55w0rd"), all);
    assertTrue(all.contains(name + "=********"), all);
  }

  @Test
  void knownSafeParametersReachTheJdbcUrlIntact() {
    PostgresUrl url = PostgresUrl.parse("postgres://u:pw@h/db?ApplicationName=my%20app"
        + "&connectTimeout=5&socketTimeout=60&loginTimeout=7&tcpKeepAlive=true"
        + "&currentSchema=datomic&sslrootcert=/app/.postgresql/root.crt&prepareThreshold=0"
        + "&channelBinding=require&sslmode=verify-full");
    Properties p = Driver.parseURL(url.jdbcUrl(), new Properties());
    assertEquals("my app", p.getProperty("ApplicationName"));
    assertEquals("5", p.getProperty("connectTimeout"));
    assertEquals("datomic", p.getProperty("currentSchema"));
    assertEquals("/app/.postgresql/root.crt", p.getProperty("sslrootcert"));
    assertEquals("require", p.getProperty("channelBinding"));
    assertEquals("verify-full", p.getProperty("sslmode"));
  }

  // --- No part may carry control characters (they would forge lines in the properties or log) --

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "postgres://u%0Asql-url%3Dx:pw@h/db         | user name",
      "postgres://u:pw%0Asql-url%3Djdbc:x@h/db    | password",
      "postgres://u:pw%0D%0A@h/db                 | password",
      "postgres://u:pw@h/db%0Aprotocol%3Ddev      | database name",
      "postgres://u:pw@h/db?ApplicationName=a%0Ab | ApplicationName",
      "postgres://u:pw@h/db%00                    | database name",
      "postgres://h/db?user=u%09x&password=p      | user name",
  })
  void controlCharactersAreRefusedInEveryPart(String raw, String part) {
    UserError e = assertThrows(UserError.class, () -> PostgresUrl.parse(raw, "DATABASE_URL"),
        () -> "accepted " + raw);
    assertTrue(e.getMessage().contains(part) && e.getMessage().contains("control character"),
        e.getMessage());
  }

  @Test
  void theUserAndPasswordMayBeGivenOnceOnly() {
    UserError user = assertThrows(UserError.class,
        () -> PostgresUrl.parse("postgres://a:pw@h/db?user=b", "DATABASE_URL"));
    assertTrue(user.getMessage().contains("user name twice"), user.getMessage());
    UserError pw = assertThrows(UserError.class,
        () -> PostgresUrl.parse("postgres://a:pw@h/db?password=other", "DATABASE_URL"));
    assertTrue(pw.getMessage().contains("password twice"), pw.getMessage());
    assertFalse(pw.getMessage().contains("other"), pw.getMessage());
  }
}
