package datomic.buildpack.compile.distribution.download;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import datomic.buildpack.compile.distribution.Fixture;
import datomic.buildpack.output.Log;
import datomic.buildpack.testsupport.Locks;
import datomic.buildpack.testsupport.Run;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Redirects from https: a real TLS server on 127.0.0.1 with a certificate made at test time
 * (keytool), trusted by this JVM for the length of each test only.
 */
@ResourceLock(Locks.JAVA_NET_DEFAULTS) // sets the JVM-wide HTTPS socket factory
class DownloaderHttpsTest {
  private static final char[] PASSWORD = "test-keystore".toCharArray();

  @TempDir
  Path dir;
  private HttpsServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private SSLSocketFactory previousFactory;
  private HostnameVerifier previousVerifier;

  @BeforeEach
  void setUp() throws Exception {
    Path keystore = dir.resolve("server.p12");
    Path keytool = Path.of(ProcessHandle.current().info().command().orElseThrow())
        .resolveSibling("keytool");
    Run.Result made = Run.of(keytool.toString(), "-genkeypair", "-alias", "server",
        "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", keystore.toString(),
        "-storepass", new String(PASSWORD)).go();
    assertEquals(0, made.exitCode(), made.toString());
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      keys.load(in, PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(keys);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext("/", exchange -> {
      requests.add(exchange.getRequestURI().getPath());
      String path = exchange.getRequestURI().getPath();
      if (path.equals("/to-plain-http")) {
        exchange.getResponseHeaders().add("Location", "http://127.0.0.1:9/datomic.zip");
        exchange.sendResponseHeaders(302, -1);
      } else if (path.equals("/to-https")) {
        exchange.getResponseHeaders().add("Location", "/datomic.zip");
        exchange.sendResponseHeaders(302, -1);
      } else {
        byte[] body = "zip bytes".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream o = exchange.getResponseBody()) {
          o.write(body);
        }
      }
      exchange.close();
    });
    server.start();
    // HttpURLConnection takes TLS settings from these JVM-wide defaults; put them back afterwards.
    previousFactory = HttpsURLConnection.getDefaultSSLSocketFactory();
    previousVerifier = HttpsURLConnection.getDefaultHostnameVerifier();
    HttpsURLConnection.setDefaultSSLSocketFactory(tls.getSocketFactory());
  }

  @AfterEach
  void tearDown() {
    HttpsURLConnection.setDefaultSSLSocketFactory(previousFactory);
    HttpsURLConnection.setDefaultHostnameVerifier(previousVerifier);
    server.stop(0);
  }

  private URI uri(String path) {
    return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private Downloader downloader() {
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    return new Downloader(Fixture.fast(), new Log(ps, ps));
  }

  @Test
  void anHttpsRedirectWithinHttpsIsFollowed() throws Exception {
    try (Downloader.Download in = downloader().open(uri("/to-https"), null)) {
      assertArrayEquals("zip bytes".getBytes(StandardCharsets.UTF_8), in.readAllBytes());
    }
    assertEquals(List.of("/to-https", "/datomic.zip"), requests);
  }

  @Test
  void aRedirectFromHttpsToPlainHttpIsRefused() {
    DownloadException e = assertThrows(DownloadException.class,
        () -> downloader().open(uri("/to-plain-http"), new Credentials("me", "pw-not-for-logs")));
    assertEquals(DownloadException.Kind.INSECURE, e.kind());
    assertTrue(e.getMessage().contains("redirected from https to plain http"), e.getMessage());
    assertFalse(e.getMessage().contains("pw-not-for-logs"), e.getMessage());
    assertEquals(List.of("/to-plain-http"), requests, "asked once, not retried, not followed");
  }
}
