package datomic.buildpack.dyno.transactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.UserError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** transactor.properties read, checked and written back exactly as java.util.Properties does. */
class AppPropertiesTest {
  @TempDir Path tmp;
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  final Log log = new Log(new PrintStream(new ByteArrayOutputStream()),
      new PrintStream(err, true, StandardCharsets.UTF_8));
  final Set<String> known = TransactorConfig.knownProperties(ConfigRegistry.load());

  private AppProperties read(String text) throws IOException {
    return AppProperties.read(Files.writeString(tmp.resolve("transactor.properties"), text));
  }

  @Test
  void readsEveryFormPropertiesReads() throws IOException {
    AppProperties app = read("# comment\n! also a comment\n  port : 4335\nhost\tlocalhost\n"
        + "memory-index-m\\u0061x = \\\n    512m\nencrypt-channel=false\\\n\n"
        + "memcached=a:1,\\\n  b:2\nwrite-concurrency=2\r\nwrite-concurrency=3\n");
    Properties java = new Properties();
    java.load(new StringReader(Files.readString(tmp.resolve("transactor.properties"))));
    assertEquals(java, toProperties(app.values()));
    assertEquals("512m", app.values().get("memory-index-max"));
    assertEquals("a:1,b:2", app.values().get("memcached"));
    assertEquals("3", app.values().get("write-concurrency"));
  }

  @Test
  void aKeyNoPropertyCouldHaveIsRefusedAndTheMeantOneNamed() throws IOException {
    for (String line : List.of("memory-index-max\\ =9g", "memory-index-max\\=x=9g",
        "memory\\:index=1", "=9g", "memory-index-max\\t=1")) {
      UserError e = assertThrows(UserError.class, () -> read(line + "\n").check(known, Set.of(),
          log), line);
      assertTrue(e.summary().startsWith("transactor.properties has "), e.summary());
    }
    UserError e = assertThrows(UserError.class,
        () -> read("memory-index-max\\ =9g\n").check(known, Set.of(), log));
    assertEquals("transactor.properties has the key \"memory-index-max\\ \", which holds a space"
        + " or tab.", e.summary());
    assertTrue(e.advice().contains("Write it as memory-index-max=<value>, without the backslash"
        + " or other characters."), e.advice().toString());
  }

  @Test
  void repeatsAndUnknownKeysAreWarnedAboutSecretsUnshown() throws IOException {
    read("license-key=a\nlicense-key=b-secret\nobject-cache-maxx=1g\n").check(known,
        TransactorConfig.SECRET_KEYS, log);
    String warned = err.toString(StandardCharsets.UTF_8);
    assertTrue(warned.contains("sets license-key 2 times; the last value (********) counts."),
        warned);
    assertTrue(warned.contains("object-cache-maxx (did you mean object-cache-max?)"), warned);
    assertTrue(!warned.contains("b-secret"), warned);
  }

  @Test
  void escapedKeysAndValuesReadBackExactly() throws IOException {
    Random random = new Random(12);
    String alphabet = " \t\\=:#!\u00e9\u2603\ud83d\ude00\u0000\u001b\r\n\fab";
    for (int i = 0; i < 2000; i++) {
      String key = randomText(random, alphabet);
      String value = randomText(random, alphabet);
      if (key.isEmpty()) {
        continue;
      }
      String line = AppProperties.escape(key, true) + "=" + AppProperties.escape(value, false);
      assertTrue(line.chars().allMatch(c -> c >= 0x20 && c < 0x7f), line);
      Properties back = new Properties();
      back.load(new StringReader(line + "\n"));
      assertEquals(Map.of(key, value), Map.copyOf(toMap(back)), line);
    }
  }

  private static String randomText(Random random, String alphabet) {
    StringBuilder s = new StringBuilder();
    int n = random.nextInt(6);
    for (int i = 0; i < n; i++) {
      s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return s.toString();
  }

  private static Properties toProperties(Map<String, String> map) {
    Properties p = new Properties();
    p.putAll(map);
    return p;
  }

  private static Map<String, String> toMap(Properties p) {
    Map<String, String> map = new java.util.HashMap<>();
    p.stringPropertyNames().forEach(k -> map.put(k, p.getProperty(k)));
    return map;
  }
}
