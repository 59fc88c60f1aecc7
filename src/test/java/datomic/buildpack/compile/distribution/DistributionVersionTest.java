package datomic.buildpack.compile.distribution;

import static datomic.buildpack.testsupport.FaultyHttpServer.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.catalog.DatomicVersion;
import datomic.buildpack.catalog.Edition;
import datomic.buildpack.catalog.VersionCatalog;
import datomic.buildpack.testsupport.FaultyHttpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versions, editions, licences and `latest`. */
class DistributionVersionTest {
  @TempDir
  Path dir;
  private FaultyHttpServer server;

  @BeforeEach
  void setUp() throws Exception {
    server = new FaultyHttpServer();
  }

  @AfterEach
  void tearDown() throws Exception {
    server.close();
  }

  private Fixture.Run run(Map<String, String> env) {
    return Fixture.install(env, dir.resolve("cache"), dir.resolve("build/.datomic/dist"),
        Fixture.fast());
  }

  @Test
  void versionsAreStrict() {
    for (String bad : List.of("", "1", "1.0.7622; rm -rf /", "../1.0.7622", "1.0.x", "01.0.7622",
        "1.0.7622-SNAPSHOT", " 1.0.7622", "1..0", "1.0.7622/", "1.2.3.4.5", "9999999999.0")) {
      assertTrue(DatomicVersion.parse(bad).isEmpty(), bad);
    }
    assertTrue(DatomicVersion.of("1.0.7622").compareTo(DatomicVersion.of("1.0.6726")) > 0);
    assertTrue(DatomicVersion.of("0.9.5703").isBefore(DatomicVersion.of("0.9.5703.21")));
    assertTrue(DatomicVersion.of("1.0.10000").compareTo(DatomicVersion.of("1.0.9999")) > 0);
  }

  @Test
  void catalogKnowsOnlyVerifiedFacts() {
    VersionCatalog catalog = VersionCatalog.load();
    assertEquals("1.0.7622", catalog.defaultVersion(Edition.PRO).toString());
    assertEquals("0.9.5703", catalog.defaultVersion(Edition.FREE).toString());
    assertFalse(catalog.known(Edition.PRO).contains("1.0.7705"), "1.0.7705 is unverified");
    assertTrue(catalog.verifiedSha256(Edition.PRO, DatomicVersion.of("1.0.7622")).isEmpty(),
        "no checksum is published: none may be shipped");
    assertTrue(catalog.isLegacyPro(Edition.PRO, DatomicVersion.of("1.0.6711")));
    assertFalse(catalog.isLegacyPro(Edition.PRO, DatomicVersion.of("1.0.6726")));
    assertEquals("https://datomic-pro-downloads.s3.amazonaws.com/1.0.7622/datomic-pro-1.0.7622.zip",
        catalog.downloadUrl(Edition.PRO, DatomicVersion.of("1.0.7622")));
    assertEquals("https://my.datomic.com/repo/com/datomic/datomic-pro/1.0.6711/datomic-pro-1.0.6711.zip",
        catalog.downloadUrl(Edition.PRO, DatomicVersion.of("1.0.6711")));
    assertEquals("https://my.datomic.com/downloads/free/0.9.5703",
        catalog.downloadUrl(Edition.FREE, DatomicVersion.of("0.9.5703")));
  }

  @Test
  void invalidVersionIsRejectedBeforeAnyRequest() {
    Fixture.Run run = run(Map.of("DATOMIC_VERSION", "1.0.7622/../../x",
        "DATOMIC_DOWNLOAD_URL", server.url("/{version}.zip")));
    assertNotNull(run.error());
    assertTrue(run.error().summary().contains("is not a Datomic version"));
    assertTrue(run.all().contains("digits and dots"));
    assertEquals(0, server.requests().size());
  }

  @Test
  void defaultIsTheNewestKnownVersion() throws Exception {
    byte[] zip = Fixture.bytes(Fixture.fake(), dir);
    server.on("/datomic-pro-1.0.7622.zip", ok(zip));
    Fixture.Run run = run(Map.of("DATOMIC_DOWNLOAD_URL",
        server.url("/datomic-pro-{version}.zip")));
    assertNull(run.error(), run::all);
    assertEquals("1.0.7622", run.result().version());
    assertEquals("pro", run.result().edition());
  }

  @Test
  void latestIsReadFromMavenMetadata() throws Exception {
    byte[] zip = Fixture.bytes(Fixture.fake().version("1.0.7777"), dir);
    server.on("/maven-metadata.xml", ok(("<?xml version=\"1.0\"?><metadata><groupId>com.datomic"
        + "</groupId><artifactId>peer</artifactId><versioning><latest>1.0.7777</latest><release>"
        + "1.0.7777</release><versions><version>1.0.7622</version><version>1.0.7777</version>"
        + "</versions></versioning></metadata>").getBytes(StandardCharsets.UTF_8)));
    server.on("/datomic-pro-1.0.7777.zip", ok(zip));
    Map<String, String> env = new HashMap<>();
    env.put("DATOMIC_VERSION", "latest");
    env.put("DATOMIC_METADATA_URL", server.url("/maven-metadata.xml"));
    env.put("DATOMIC_DOWNLOAD_URL", server.url("/datomic-pro-{version}.zip"));
    Fixture.Run run = run(env);
    assertNull(run.error(), run::all);
    assertEquals("1.0.7777", run.result().version());
    assertTrue(run.out().contains("names 1.0.7777"), run.out());
    assertTrue(run.out().contains("not among the Datomic Pro versions this buildpack knows"));
  }

  @Test
  void metadataWithADoctypeIsRejected() {
    server.on("/maven-metadata.xml", ok(("<?xml version=\"1.0\"?><!DOCTYPE metadata ["
        + "<!ENTITY x SYSTEM \"file:///etc/passwd\">]><metadata><versioning><release>&x;"
        + "</release></versioning></metadata>").getBytes(StandardCharsets.UTF_8)));
    Fixture.Run run = run(Map.of("DATOMIC_VERSION", "latest",
        "DATOMIC_METADATA_URL", server.url("/maven-metadata.xml")));
    assertNotNull(run.error());
    assertEquals("Could not resolve DATOMIC_VERSION=latest.", run.error().summary());
    assertTrue(run.all().contains("Pin a version instead"), run.all());
    assertFalse(run.all().contains("root:"), run.all());
  }

  /** A login page in place of the metadata is named as such, as one in place of the zip is. */
  @Test
  void aLoginPageInPlaceOfTheMetadataIsNamed() {
    server.on("/maven-metadata.xml", ok(("<!DOCTYPE html><html><head><title>Proxy login"
        + "</title></head><body><form></form></body></html>").getBytes(StandardCharsets.UTF_8)));
    Fixture.Run run = run(Map.of("DATOMIC_VERSION", "latest",
        "DATOMIC_METADATA_URL", server.url("/maven-metadata.xml")));
    assertNotNull(run.error());
    assertEquals("Could not resolve DATOMIC_VERSION=latest.", run.error().summary());
    assertTrue(run.all().contains("failed: it answered with an HTML page titled \"Proxy login\","
        + " not Maven metadata (a login or error page?)"), run.all());
  }

  @Test
  void metadataWithAHostileVersionIsRejected() {
    server.on("/m.xml", ok("<metadata><versioning><release>1.0/../../etc</release></versioning></metadata>"
        .getBytes(StandardCharsets.UTF_8)));
    Fixture.Run run = run(Map.of("DATOMIC_VERSION", "latest",
        "DATOMIC_METADATA_URL", server.url("/m.xml")));
    assertNotNull(run.error());
    assertTrue(run.all().contains("not a version made of digits and dots"), run.all());
  }

  @Test
  void unreachableMetadataFallsBackToTheCachedVersion() throws Exception {
    byte[] zip = Fixture.bytes(Fixture.fake(), dir);
    server.on("/datomic-pro-1.0.7622.zip", ok(zip));
    Map<String, String> env = new HashMap<>();
    env.put("DATOMIC_DOWNLOAD_URL", server.url("/datomic-pro-{version}.zip"));
    assertNull(run(env).error());
    env.put("DATOMIC_VERSION", "latest");
    env.put("DATOMIC_METADATA_URL", server.url("/missing.xml"));
    Fixture.Run run = run(env);
    assertNull(run.error(), run::all);
    assertTrue(run.err().contains("using the cached 1.0.7622"), run.err());
  }

  @Test
  void legacyVersionWithoutCredentialsFailsBeforeDownloading() {
    Fixture.Run run = run(Map.of("DATOMIC_VERSION", "1.0.6711"));
    assertNotNull(run.error());
    assertTrue(run.error().summary().contains("needs my.datomic.com credentials"));
    assertTrue(run.all().contains("DATOMIC_LICENSE_USER"));
    assertTrue(run.all().contains("DATOMIC_TRANSACTOR_KEY"));
    assertTrue(run.all().contains("1.0.6726 or later"));
  }

  @Test
  void freeEditionStopsAtItsLastVersion() {
    Fixture.Run run = run(Map.of("DATOMIC_EDITION", "free", "DATOMIC_VERSION", "1.0.7622"));
    assertNotNull(run.error());
    assertEquals("Datomic Free has no version 1.0.7622.", run.error().summary());
    assertTrue(run.all().contains("0.9.5703"));
  }

  @Test
  void freeEditionInstallsItsZip() throws Exception {
    byte[] zip = Fixture.bytes(Fixture.fake().edition("free").version("0.9.5703"), dir);
    server.on("/free/0.9.5703", ok(zip));
    Fixture.Run run = run(Map.of("DATOMIC_EDITION", "free",
        "DATOMIC_DOWNLOAD_URL", server.url("/free/{version}")));
    assertNull(run.error(), run::all);
    assertEquals("free", run.result().edition());
    assertTrue(run.out().contains("Installing Datomic Free 0.9.5703"));
    assertTrue(Files.isRegularFile(dir.resolve(
        "build/.datomic/dist/config/samples/free-transactor-template.properties")));
  }

  @Test
  void invalidEditionAndChecksumAreExplained() {
    Fixture.Run edition = run(Map.of("DATOMIC_EDITION", "starter"));
    assertTrue(edition.error().summary().contains("DATOMIC_EDITION=starter"));
    Fixture.Run sha = run(Map.of("DATOMIC_SHA256", "abc",
        "DATOMIC_DOWNLOAD_URL", server.url("/x.zip")));
    assertEquals("DATOMIC_SHA256 is not a SHA-256.", sha.error().summary());
    assertEquals(0, server.requests().size());
  }
}
