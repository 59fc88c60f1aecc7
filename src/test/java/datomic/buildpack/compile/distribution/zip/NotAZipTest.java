package datomic.buildpack.compile.distribution.zip;

import static datomic.buildpack.testsupport.FaultyHttpServer.gzip;
import static datomic.buildpack.testsupport.FaultyHttpServer.ok;
import static datomic.buildpack.testsupport.FaultyHttpServer.okWithoutLength;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.compile.distribution.Fixture;
import datomic.buildpack.testsupport.FaultyHttpServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Something else served in the zip's place (a login page, a storage service's error, another
 * archive) is named for what it is, from its first bytes: not "incomplete, run again".
 */
class NotAZipTest {
  private static final String PATH = "/datomic-pro-1.0.7622.zip";

  @TempDir
  Path dir;
  private FaultyHttpServer server;
  private Path cache;
  private Path target;

  @BeforeEach
  void setUp() throws Exception {
    server = new FaultyHttpServer();
    cache = Files.createDirectories(dir.resolve("cache"));
    target = dir.resolve("build/.datomic/dist");
  }

  @AfterEach
  void tearDown() throws Exception {
    server.close();
  }

  private Fixture.Run served(FaultyHttpServer.Response response) {
    server.on(PATH, response);
    return Fixture.install(Map.of("DATOMIC_DOWNLOAD_URL", server.url(PATH)), cache, target,
        Fixture.fast());
  }

  private void assertNotAZip(Fixture.Run run, String detail) {
    assertNotNull(run.error(), run::all);
    assertTrue(run.error().summary().matches("The download from http://127\\.0\\.0\\.1:[0-9]+"
        + PATH + " is not a zip\\."), run.error().summary());
    assertTrue(run.all().contains(detail), run.all());
    assertTrue(run.all().contains("Check DATOMIC_DOWNLOAD_URL: it must lead to the zip itself"),
        run.all());
    for (String wrong : List.of("incomplete", "cut short", "damaged", "ends early")) {
      assertFalse(run.all().contains(wrong), wrong + ": " + run.all());
    }
    Fixture.assertNoCacheEntry(cache);
    assertFalse(Files.exists(target));
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aLoginPageIsNamedAsAnHtmlPageWithItsTitle() {
    Fixture.Run run = served(okWithoutLength(text("\n  <!DOCTYPE html>\n<html lang=\"en\"><head>"
        + "<meta charset=\"utf-8\"><title>Sign in \u2013 Example\n SSO</title></head>"
        + "<body><form action=\"/login\">...</form></body></html>\n"))
        .header("Content-Type", "text/html"));
    assertNotAZip(run, "It is an HTML page titled \"Sign in \u2013 Example SSO\", not a zip: a"
        + " login or error page sent in the zip's place.");
    assertEquals(1, server.count(PATH), "a page is not downloaded again as if cut short");
  }

  @Test
  void aStorageServicesXmlErrorShowsItsCodeAndMessage() {
    Fixture.Run run = served(ok(text("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>"
        + "<Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>4F2A</RequestId>"
        + "</Error>")));
    assertNotAZip(run, "It is an XML error document, not a zip: AccessDenied (Access Denied)");
  }

  @Test
  void aJsonErrorIsShown() {
    Fixture.Run run = served(ok(text("{\"error\": \"not_found\",\n \"message\": \"No such"
        + " object\"}")));
    assertNotAZip(run, "It is a JSON document, not a zip: {\"error\": \"not_found\", \"message\":"
        + " \"No such object\"}");
  }

  @Test
  void otherArchivesAreNamed() throws Exception {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
      TarArchiveEntry entry = new TarArchiveEntry("datomic-pro-1.0.7622/bin/transactor");
      entry.setSize(3);
      out.putArchiveEntry(entry);
      out.write(text("#!\n"));
      out.closeArchiveEntry();
    }
    assertNotAZip(served(ok(tar.toByteArray())), "It is a tar archive, not a zip");
    assertNotAZip(served(ok(gzip(tar.toByteArray()))), "It is a gzip file (a .gz or .tar.gz)");
  }

  @Test
  void anEmptyBodyAndUnknownBytesAreNamed() {
    assertNotAZip(served(ok(new byte[0])), "It is empty (0 bytes).");
    assertNotAZip(served(ok(new byte[] {0x4d, 0x5a, (byte) 0x90, 0, 3, 0, 0, 0})),
        "It is not a zip: it starts with the bytes 4d 5a 90 00");
    assertNotAZip(served(ok(text("Service Unavailable\r\n\u001b[31mtry later"))),
        "It is text, not a zip: \"Service Unavailable ?[31mtry later\"");
  }

  /** The same from a file: URL. */
  @Test
  void anHtmlFileIsNamedToo() throws Exception {
    Path html = Files.writeString(dir.resolve("datomic-pro-1.0.7622.zip"),
        "<html><head><title>404 Not Found</title></head></html>");
    Fixture.Run run = Fixture.install(Map.of("DATOMIC_DOWNLOAD_URL", html.toUri().toString()),
        cache, target, Fixture.fast());
    assertNotNull(run.error(), run::all);
    assertTrue(run.error().summary().endsWith(" is not a zip."), run.error().summary());
    assertTrue(run.all().contains("It is an HTML page titled \"404 Not Found\""), run.all());
  }
}
