package datomic.buildpack.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.output.UserError;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;

/**
 * The class "a part of DATABASE_URL injects into another part of what is rendered from it": for
 * hostile URLs (a fixed corpus and a seeded fuzz of every part), a URL is either refused, or
 * everything rendered from it says exactly what was parsed: pgjdbc reads back from the JDBC URL
 * and from the peer URI's JDBC part the same host, port, database, sslmode, user and password,
 * and no parameter the allow-list does not hold; the storage properties read back as written.
 */
class PostgresUrlInjectionTest {
  private static final Set<String> URL_KEYS = Set.of("PGHOST", "PGPORT", "PGDBNAME", "sslmode");

  static final List<String> CORPUS = List.of(
      "postgres://u:pw@127.0.0.1%3A5432%2Fdb%3Fsslmode%3Ddisable%26x%3D:5432/db",
      "postgres://u:pw@h%2F..%2Fx/db",
      "postgres://u:pw@evil.example.com,h:5432/db",
      "postgres://u:pw@h:5432/db?PGHOST=evil.example.com",
      "postgres://u:pw@h:5432/db?PGDBNAME=other&PGPORT=1",
      "postgres://u:pw@h:5432/db%3Fsslmode%3Ddisable",
      "postgres://u:pw@h:5432/db%26sslmode%3Ddisable",
      "postgres://u:pw@h:5432/db?sslmode=require%26sslmode%3Ddisable",
      "postgres://u:pw@h:5432/db?ApplicationName=x%26sslmode%3Ddisable",
      "postgres://u:pw@h:5432/db?ApplicationName%3Dx%26sslmode=disable",
      "postgres://u:pw@h:5432/db?sslmode=require&sslmode=disable",
      "postgres://u%26sslmode%3Ddisable:pw@h/db",
      "postgres://u:pw%26sslmode%3Ddisable@h/db",
      "postgres://u:pw%26PGHOST%3Devil@h/db",
      "postgres://u:p%2Bw%20x%25y%3Fz%23@h/db",
      "postgres://u:pw@h/db?user=x%26sslmode%3Ddisable",
      "postgres://u:pw%0Asql-url%3Djdbc:postgresql://evil/db@h/db",
      "postgres://u:pw@h/d%0Ab",
      "postgres://u:pw@h/db?socketFactory=javax.net.SocketFactory",
      "postgres://u:pw@h/db?sslfactory=org.postgresql.ssl.NonValidatingFactory",
      "postgres://u:pw@h/db?loggerFile=/tmp/x&loggerLevel=TRACE",
      "postgres://u:pw@[::1]:5432/db?sslmode=verify-full&sslrootcert=/app/root.crt",
      "postgres://u:pw@[::1%25lo]:5432/db",
      "postgres://u:pw@h:5432/db?currentSchema=a,b&ApplicationName=%E2%9C%93",
      "postgres://u:pw@h:5432/db?sslrootcert=%2Fapp%2F..%2Fx");

  @Test
  void everyUrlOfTheCorpusIsRefusedOrRenderedFaithfully() {
    int accepted = 0;
    for (String raw : CORPUS) {
      accepted += check(raw) ? 1 : 0;
    }
    assertTrue(accepted >= 3, "the corpus holds harmless URLs too: " + accepted);
  }

  @Test
  void aSeededFuzzOfEveryPartIsRefusedOrRenderedFaithfully() {
    Random random = new Random(20261129L);
    String alphabet = "aZ09-._~:/?#[]@!$&'()*+,;=% \t\n\"\\<>^`{|}é€";
    int accepted = 0;
    int refused = 0;
    for (int i = 0; i < 3000; i++) {
      String[] parts = new String[5];
      for (int p = 0; p < parts.length; p++) {
        StringBuilder s = new StringBuilder("x");
        int len = random.nextInt(6);
        for (int c = 0; c < len; c++) {
          s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        // A third of the parts plain, a third percent-encoded (what a careful user writes), a
        // third raw (what a careless user or an attacker writes).
        int how = random.nextInt(3);
        parts[p] = how == 0 ? "x" + random.nextInt(100) : how == 1 ? pct(s.toString())
            : s.toString();
      }
      String[] keys = {"sslmode", "ApplicationName", "PGHOST", "socketFactory", "currentSchema",
          parts[4]};
      String raw = "postgres://" + parts[0] + ":" + parts[1] + "@" + parts[2] + ":5432/" + parts[3]
          + "?" + keys[random.nextInt(keys.length)] + "=" + parts[4];
      if (check(raw)) {
        accepted++;
      } else {
        refused++;
      }
    }
    assertTrue(accepted > 100 && refused > 100, accepted + " accepted, " + refused + " refused");
  }

  /** True when {@code raw} was accepted (and rendered faithfully), false when refused. */
  private static boolean check(String raw) {
    PostgresUrl url;
    try {
      url = PostgresUrl.parse(raw, "DATABASE_URL");
    } catch (UserError e) {
      assertTrue(e.getMessage().startsWith("DATABASE_URL is not a usable Postgres URL"),
          raw + " -> " + e.getMessage());
      return false;
    }
    String jdbc = url.jdbcUrl();
    Properties read = Driver.parseURL(jdbc, new Properties());
    assertNotNull(read, "pgjdbc cannot read " + jdbc + " (from " + raw + ")");
    String why = raw + "\n  -> " + jdbc + "\n  -> " + read;
    assertEquals(url.host(), read.getProperty("PGHOST"), why);
    assertEquals(String.valueOf(url.port()), read.getProperty("PGPORT"), why);
    assertEquals(url.database(), read.getProperty("PGDBNAME"), why);
    assertEquals(url.sslMode(), read.getProperty("sslmode"), why);
    Set<String> expectedKeys = new TreeSet<>(URL_KEYS);
    expectedKeys.addAll(url.params().keySet());
    assertEquals(expectedKeys, new TreeSet<>(read.stringPropertyNames()), why);
    for (Map.Entry<String, String> e : url.params().entrySet()) {
      if (!e.getKey().equals("sslmode")) {
        assertEquals(e.getValue(), read.getProperty(e.getKey()), why);
      }
    }
    assertTrue(url.host().matches("[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+\\]"), why);

    // The peer URI: Datomic splits datomic:sql://NAME?<JDBC URL> at the first '?'.
    String peer = url.peerUri("my-db", true);
    assertTrue(peer.startsWith("datomic:sql://my-db?jdbc:postgresql://"), peer);
    Properties peerRead = Driver.parseURL(peer.substring(peer.indexOf('?') + 1), new Properties());
    String peerWhy = raw + "\n  -> " + peer + "\n  -> " + peerRead;
    assertNotNull(peerRead, peerWhy);
    assertEquals(url.host(), peerRead.getProperty("PGHOST"), peerWhy);
    assertEquals(url.database(), peerRead.getProperty("PGDBNAME"), peerWhy);
    assertEquals(url.sslMode(), peerRead.getProperty("sslmode"), peerWhy);
    assertEquals(url.user(), peerRead.getProperty("user"), peerWhy);
    assertEquals(url.password().orElse(null), peerRead.getProperty("password"), peerWhy);
    Set<String> peerKeys = new TreeSet<>(expectedKeys);
    peerKeys.add("user");
    url.password().ifPresent(p -> peerKeys.add("password"));
    // What Datomic gets carries the driver's time limits too (the URL's own, where it sets them).
    peerKeys.addAll(PostgresUrl.DRIVER_TIME_LIMITS.keySet());
    assertEquals(peerKeys, new TreeSet<>(peerRead.stringPropertyNames()), peerWhy);
    String masked = url.password()
        .map(pw -> peer.replace("password=" + PostgresUrl.encode(pw), "password=********"))
        .orElse(peer);
    assertEquals(masked, url.peerUri("my-db", false), peerWhy);

    // The storage properties: no value can add a line to the rendered properties file.
    url.transactorProperties().forEach((k, v) -> assertFalse(v.chars().anyMatch(
        Character::isISOControl), raw + ": " + k + " holds a control character"));
    return true;
  }

  private static String pct(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
