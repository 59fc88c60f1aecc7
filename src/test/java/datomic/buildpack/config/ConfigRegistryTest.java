package datomic.buildpack.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.output.Log;
import datomic.buildpack.output.UserError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigRegistryTest {
  private final ConfigRegistry registry = ConfigRegistry.load();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final Log log = new Log(new PrintStream(new ByteArrayOutputStream()),
      new PrintStream(err, true, StandardCharsets.UTF_8));

  @Test
  void mapsConfigVarsToTransactorProperties() {
    assertEquals(Optional.of("memory-index-max"),
        registry.find("DATOMIC_MEMORY_INDEX_MAX").orElseThrow().property());
    assertEquals(Optional.of("heartbeat-interval-msec"),
        registry.find("DATOMIC_HEARTBEAT_INTERVAL_MSEC").orElseThrow().property());
    assertEquals(Optional.of("license-key"),
        registry.find("DATOMIC_TRANSACTOR_KEY").orElseThrow().property());
    assertEquals(Optional.empty(), registry.find("DATOMIC_VERSION").orElseThrow().property());
  }

  @Test
  void listsEveryInvalidValueAtOnceAndMasksSecrets() {
    Environment env = Environment.of(Map.of("DATOMIC_PORT", "0", "DATOMIC_ENCRYPT_CHANNEL",
        "yes", "DATOMIC_VERSION", "1.0.7622; rm -rf /", "DATOMIC_SQL_SSLMODE", "sometimes",
        "DATOMIC_STORAGE_ACCESS", "everyone"));
    UserError e = assertThrows(UserError.class, () -> registry.validate(env, log));
    String text = e.summary() + String.join("\n", e.advice());
    assertTrue(text.contains("5 config vars"), text);
    assertTrue(text.contains("DATOMIC_PORT=0: expected a whole number from 1 to 65535"), text);
    assertTrue(text.contains("DATOMIC_ENCRYPT_CHANNEL=yes"), text);
    assertTrue(text.contains("DATOMIC_VERSION="), text);
    assertTrue(text.contains("DATOMIC_SQL_SSLMODE=sometimes: expected one of"), text);
  }

  @Test
  void invalidUrlIsShownWithoutItsCredentialsOrQuery() {
    Environment env = Environment.of(Map.of(
        "DATOMIC_DOWNLOAD_URL", "https://user:s3cretpw@example.com/dl/datomic pro.zip?sig=t0ken",
        "DATOMIC_METADATA_URL", "ftp://me:hunter2@example.com/maven-metadata.xml"));
    UserError e = assertThrows(UserError.class, () -> registry.validate(env, log));
    String text = e.summary() + String.join("\n", e.advice());
    assertTrue(text.contains("DATOMIC_DOWNLOAD_URL=https://user:********@example.com/dl/"), text);
    assertTrue(text.contains("DATOMIC_METADATA_URL=ftp://me:********@"), text);
    for (String secret : new String[] {"s3cretpw", "t0ken", "hunter2"}) {
      assertFalse(text.contains(secret), text);
    }
  }

  @Test
  void unknownVarWarnsWithTheClosestNameAndInternalVarsAreQuiet() {
    registry.validate(Environment.of(Map.of("DATOMIC_OBJECT_CACHE_MAXIMUM", "1g",
        "DATOMIC_BUILDPACK_JAVA", "/usr/bin/java", "DATABASE_URL", "postgres://x")), log);
    String out = err.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains(" !     Warning: DATOMIC_OBJECT_CACHE_MAXIMUM"), out);
    assertTrue(out.contains("Did you mean DATOMIC_OBJECT_CACHE_MAX?"), out);
    assertFalse(out.contains("DATOMIC_BUILDPACK_JAVA"), out);
  }

  @Test
  void farFromAnyNameGetsNoGuess() {
    assertEquals(Optional.empty(), registry.closest("DATOMIC_SOMETHING_ELSE_ENTIRELY"));
    assertEquals(Optional.of("DATOMIC_VERSION"), registry.closest("DATOMIC_VERSOIN"));
  }

  private String problems(Environment env) {
    UserError e = assertThrows(UserError.class, () -> registry.validate(env, log));
    return e.summary() + "\n" + String.join("\n", e.advice());
  }

  @Test
  void aLineBreakInAValueIsNamedAndEchoedEscapedSoItCannotForgeALogLine() {
    String text = problems(Environment.of(Map.of("DATOMIC_SQL_VALIDATION_QUERY",
        "SELECT 1\n-----> Build succeeded\r\u001b[2K")));
    assertTrue(text.contains("DATOMIC_SQL_VALIDATION_QUERY=SELECT 1\\n-----> Build succeeded"
        + "\\r\\u001B[2K: it holds a line break (shown as \\n) at character 9: the value must be"
        + " one line."), text);
    assertFalse(text.contains("expected any text"), text);
    assertFalse(text.lines().anyMatch(l -> l.startsWith("----->")), text);
    assertFalse(text.contains("\u001b"), text);
  }

  @Test
  void controlCharactersAreRefusedInEveryTypeAndEscapedInNamesToo() {
    String text = problems(Environment.of(Map.of("DATOMIC_VERSION", "1.0.7622\u001b[31m",
        "DATOMIC_DOWNLOAD_URL", "https://example.com/\u0007x.zip",
        "DATOMIC_METRICS_CALLBACK", "my.ns/fn\u202e")));
    assertTrue(text.contains("DATOMIC_VERSION=1.0.7622\\u001B[31m: it holds a control character"
        + " (shown as \\u001B) at character 9: remove it."), text);
    assertTrue(text.contains("DATOMIC_DOWNLOAD_URL=https://example.com/\\u0007x.zip: it holds a"
        + " control character"), text);
    assertTrue(text.contains("DATOMIC_METRICS_CALLBACK=my.ns/fn\\u202E: it holds a control"),
        text);
    assertTrue(text.chars().allMatch(c -> c == '\n' || c >= 0x20 && c < 0x7f), text);

    registry.validate(Environment.of(Map.of("DATOMIC_FOO\n-----> Forged", "1",
        "DATOMIC_SQL_VALIDATION_QUERY", "SELECT\t1")), log);
    String warned = err.toString(StandardCharsets.UTF_8);
    assertTrue(warned.contains("Warning: DATOMIC_FOO\\n-----> Forged is not a setting"), warned);
    assertFalse(warned.lines().anyMatch(l -> l.startsWith("----->")), warned);
  }

  @Test
  void aUrlPasswordHoldingALineBreakIsMaskedWhenTheValueIsEchoed() {
    String text = problems(Environment.of(Map.of("DATOMIC_DOWNLOAD_URL",
        "https://user:pa\nss\u001bword@example.com/datomic.zip")));
    assertTrue(text.contains("DATOMIC_DOWNLOAD_URL=https://user:********@example.com/datomic.zip:"
        + " it holds a line break"), text);
    assertFalse(text.contains("pa\\n"), text);
    assertFalse(text.contains("word@"), text);
  }

  @Test
  void aNumberTooLargeForAnyTypeGetsTheRangeNotTheShape() {
    String text = problems(Environment.of(Map.of("DATOMIC_PORT", "99999999999999999999",
        "DATOMIC_PING_PORT", "-1", "DATOMIC_WRITE_CONCURRENCY", "65",
        "DATOMIC_STORAGE_CONNECT_ATTEMPTS", "00000000000000000000000000000021")));
    assertTrue(text.contains("DATOMIC_PORT=99999999999999999999: expected a whole number from 1"
        + " to 65535."), text);
    assertTrue(text.contains("DATOMIC_PING_PORT=-1: expected a whole number from 1 to 65535."),
        text);
    assertTrue(text.contains("DATOMIC_WRITE_CONCURRENCY=65: expected a whole number from 1 to 64."),
        text);
    assertTrue(text.contains("DATOMIC_STORAGE_CONNECT_ATTEMPTS=00000000000000000000000000000021:"
        + " expected a whole number from 1 to 20."), text);
    registry.validate(Environment.of(Map.of("DATOMIC_PORT", "0000004334",
        "DATOMIC_STORAGE_CONNECT_ATTEMPTS", "20")), log);
  }

  @Test
  void aSizeBeyondTheRangeGetsTheRange() {
    String text = problems(Environment.of(Map.of("DATOMIC_XMX", "99999999999999999999g",
        "DATOMIC_OBJECT_CACHE_MAX", "1025g", "DATOMIC_MEMORY_INDEX_MAX", "4t")));
    for (String v : new String[] {"DATOMIC_XMX=99999999999999999999g",
        "DATOMIC_OBJECT_CACHE_MAX=1025g", "DATOMIC_MEMORY_INDEX_MAX=4t"}) {
      assertTrue(text.contains(v + ": expected a size such as `256m` or `4g`, from `0m` to"
          + " `1024g`."), text);
    }
    registry.validate(Environment.of(Map.of("DATOMIC_XMX", "1024g",
        "DATOMIC_OBJECT_CACHE_MAX", "1048576m", "DATOMIC_MEMORY_INDEX_MAX", "1073741824k")), log);
  }

  @Test
  void everyWholeNumberVarDeclaresItsRange() {
    for (ConfigVar v : registry.vars()) {
      if (v.type() == ValueType.INT) {
        assertTrue(v.min() != null && v.max() != null, v.name() + " declares min and max");
      }
    }
  }

  @Test
  void aVarThatIsNotUtf8IsNamedWhenCheckedOrRead(@TempDir Path envDir) throws IOException {
    Files.write(envDir.resolve("DATOMIC_SQL_VALIDATION_QUERY"), new byte[] {'a', (byte) 0xff});
    Files.write(envDir.resolve("DATABASE_URL"), new byte[] {(byte) 0xc3, '('});
    Files.write(envDir.resolve("SOME_OTHER_BUILDPACKS_VAR"), new byte[] {(byte) 0xfe});
    Files.writeString(envDir.resolve("DATOMIC_PORT"), "4334");
    Environment env = Environment.fromEnvDir(envDir);
    String text = problems(env);
    assertTrue(text.contains("DATOMIC_SQL_VALIDATION_QUERY: its value is not valid UTF-8 text."),
        text);
    assertFalse(text.contains("SOME_OTHER"), "a var the buildpack does not read is not checked");
    UserError read = assertThrows(UserError.class, () -> env.get("DATABASE_URL"));
    assertEquals("Config var DATABASE_URL: its value is not valid UTF-8 text.", read.summary());
    assertEquals(Optional.of("4334"), env.get("DATOMIC_PORT"));
  }

  @Test
  void aMissingEnvDirIsAnErrorNotAnEmptyEnvironment(@TempDir Path tmp) throws IOException {
    UserError missing = assertThrows(UserError.class,
        () -> Environment.fromEnvDir(tmp.resolve("nowhere")));
    assertTrue(missing.summary().matches("ENV_DIR .*nowhere does not exist\\."), missing.summary());
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    UserError notAFolder = assertThrows(UserError.class, () -> Environment.fromEnvDir(file));
    assertTrue(notAFolder.summary().endsWith("a-file is not a folder."), notAFolder.summary());
  }
}
