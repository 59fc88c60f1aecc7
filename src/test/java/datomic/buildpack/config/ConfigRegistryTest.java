package datomic.buildpack.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.output.BuildLog;
import datomic.buildpack.output.UserError;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigRegistryTest {
  private final ConfigRegistry registry = ConfigRegistry.load();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final BuildLog log = new BuildLog(new PrintStream(new ByteArrayOutputStream()),
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
}
