package datomic.buildpack.compile.distribution.download;

import static datomic.buildpack.testsupport.FaultyHttpServer.drip;
import static datomic.buildpack.testsupport.FaultyHttpServer.dripHeaders;
import static datomic.buildpack.testsupport.FaultyHttpServer.gzip;
import static datomic.buildpack.testsupport.FaultyHttpServer.hangUp;
import static datomic.buildpack.testsupport.FaultyHttpServer.ok;
import static datomic.buildpack.testsupport.FaultyHttpServer.okWithoutLength;
import static datomic.buildpack.testsupport.FaultyHttpServer.redirect;
import static datomic.buildpack.testsupport.FaultyHttpServer.resetAfter;
import static datomic.buildpack.testsupport.FaultyHttpServer.stall;
import static datomic.buildpack.testsupport.FaultyHttpServer.status;
import static datomic.buildpack.testsupport.FaultyHttpServer.truncated;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.compile.distribution.Fixture;
import datomic.buildpack.compile.distribution.download.DownloadException.Kind;
import datomic.buildpack.output.Log;
import datomic.buildpack.testsupport.FaultyHttpServer;
import datomic.buildpack.testsupport.Locks;
import datomic.buildpack.testsupport.RefusingPort;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.net.Authenticator;
import java.net.CacheRequest;
import java.net.CacheResponse;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.ResponseCache;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The downloader on its own, against loopback servers: what it sends, how it follows redirects,
 * resumes, times out and gives up, and that it leaves no connection open behind it.
 */
@Order(1) // one of the longest classes: started first (junit-platform.properties)
class DownloaderTest {
  private static final String PATH = "/file.bin";
  private static final byte[] BODY = random(400_000, 1);
  private static final Credentials CREDENTIALS = new Credentials("me", "pw-not-for-logs");

  @TempDir
  Path dir;
  private FaultyHttpServer server;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final List<AutoCloseable> closeAfter = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    server = new FaultyHttpServer();
  }

  @AfterEach
  void tearDown() throws Exception {
    server.close();
    for (AutoCloseable c : closeAfter) {
      c.close();
    }
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private Downloader downloader(DownloadPolicy policy) {
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    return new Downloader(policy, new Log(ps, ps));
  }

  private byte[] download(URI uri, Credentials credentials) throws IOException {
    return download(downloader(Fixture.fast()), uri, credentials);
  }

  private static byte[] download(Downloader downloader, URI uri, Credentials credentials)
      throws IOException {
    try (Downloader.Download in = downloader.open(uri, credentials)) {
      return in.readAllBytes();
    }
  }

  private static DownloadException fails(Kind kind, Executable download) {
    DownloadException e = assertThrows(DownloadException.class, download);
    assertEquals(kind, e.kind(), e.getMessage());
    return e;
  }

  private String log() {
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Short timeouts and two tries, for the tests that wait for a timeout. */
  private static DownloadPolicy impatient() {
    return Fixture.fast().withTimeouts(Duration.ofMillis(300), Duration.ofMillis(500))
        .withRetries(2, Duration.ofMillis(10));
  }

  // ---------------------------------------------------------------------------------------------
  // What is asked for

  @Test
  void asksForTheBytesAsStoredSoAServerThatWouldGzipDoesNot() throws Exception {
    server.on(PATH, ok(BODY).gzipUnlessRefused());
    assertArrayEquals(BODY, download(server.uri(PATH), null));
    FaultyHttpServer.Request request = server.requests().get(0);
    assertEquals("identity", request.header("Accept-Encoding").orElse(""));
    assertEquals("heroku-buildpack-datomic", request.header("User-Agent").orElse(""));
    assertEquals("close", request.header("Connection").orElse(""));
  }

  @Test
  void aCompressedAnswerIsRefusedClearlyAndNotRetried() {
    server.on(PATH, ok(gzip(BODY)).header("Content-Encoding", "gzip"));
    DownloadException e = fails(Kind.HTTP_STATUS, () -> download(server.uri(PATH), null));
    assertTrue(e.getMessage().contains("compressed (Content-Encoding: gzip)"), e.getMessage());
    assertEquals(1, server.count(PATH));
  }

  // ---------------------------------------------------------------------------------------------
  // Redirects

  @Test
  void relativeRedirectsAreResolvedAndKeepTheCredentialsOnTheSameOrigin() throws Exception {
    server.on("/a/b/start", redirect(302, "../c"));
    server.on("/a/c", redirect(307, PATH));
    server.on(PATH, ok(BODY));
    assertArrayEquals(BODY, download(server.uri("/a/b/start"), CREDENTIALS));
    assertEquals(List.of("/a/b/start", "/a/c", PATH),
        server.requests().stream().map(FaultyHttpServer.Request::path).toList());
    assertTrue(server.requests().stream().allMatch(r -> r.header("Authorization").isPresent()),
        "same origin: credentials on every hop");
  }

  @Test
  void credentialsDoNotFollowARedirectToAnotherPort() throws Exception {
    FaultyHttpServer other = new FaultyHttpServer();
    closeAfter.add(other);
    server.on("/start", redirect(301, other.url(PATH)));
    other.on(PATH, ok(BODY));
    assertArrayEquals(BODY, download(server.uri("/start"), CREDENTIALS));
    assertTrue(server.requests().get(0).header("Authorization").isPresent());
    assertTrue(other.requests().get(0).header("Authorization").isEmpty(),
        "another port is another origin");
  }

  @Test
  void redirectToAnotherSchemeIsNotFollowed() {
    server.on("/start", redirect(302, "file:///etc/passwd"));
    DownloadException e = fails(Kind.INSECURE, () -> download(server.uri("/start"), null));
    assertTrue(e.getMessage().contains("redirected to a file: URL"), e.getMessage());
    assertEquals(1, server.requests().size());
  }

  @Test
  void redirectsStopAfterFive() {
    server.on("/loop", redirect(302, "/loop"));
    DownloadException e = fails(Kind.HTTP_STATUS, () -> download(server.uri("/loop"), null));
    assertTrue(e.getMessage().contains("redirected more than 5 times"), e.getMessage());
    assertEquals(6, server.count("/loop"));
  }

  @Test
  void redirectWithoutLocationFails() {
    server.on("/start", status(302));
    DownloadException e = fails(Kind.HTTP_STATUS, () -> download(server.uri("/start"), null));
    assertTrue(e.getMessage().contains("redirected without a Location"), e.getMessage());
    assertEquals(1, server.count("/start"));
  }

  // ---------------------------------------------------------------------------------------------
  // Status codes

  @Test
  void finalAnswersAreNotRetried() {
    Map<Integer, Kind> kinds = Map.of(400, Kind.HTTP_STATUS, 401, Kind.UNAUTHORIZED,
        403, Kind.FORBIDDEN, 404, Kind.NOT_FOUND, 410, Kind.NOT_FOUND);
    kinds.forEach((status, kind) -> {
      String path = "/" + status;
      server.on(path, status(status), ok(BODY));
      DownloadException e = fails(kind, () -> download(server.uri(path), null));
      assertEquals(status, e.status());
      assertEquals(1, server.count(path), "HTTP " + status + " retried");
    });
  }

  @Test
  void busyAndTimedOutAnswersAreRetried() throws Exception {
    server.on(PATH, status(408), status(429), ok(BODY));
    assertArrayEquals(BODY, download(server.uri(PATH), null));
    assertEquals(3, server.count(PATH));
    assertTrue(log().contains("The server answered HTTP 408; retrying"), log());
    assertTrue(log().contains("The server answered HTTP 429; retrying"), log());
  }

  @Test
  void persistentServerErrorFailsWithoutShowingTheSignature() {
    String signed = PATH + "?X-Amz-Signature=TOPSECRETSIG";
    server.on(signed, status(503));
    DownloadException e = fails(Kind.NETWORK, () -> download(server.uri(signed), null));
    assertTrue(e.getMessage().contains("the server answered HTTP 503 (tried 3 times)"),
        e.getMessage());
    assertFalse(e.getMessage().contains("TOPSECRETSIG"), e.getMessage());
    assertFalse(log().contains("TOPSECRETSIG"), log());
    assertEquals(3, server.count(signed));
  }

  @Test
  void partialContentToARequestWithoutRangeIsRetried() throws Exception {
    server.on(PATH, status(206), ok(BODY));
    assertArrayEquals(BODY, download(server.uri(PATH), null));
    assertTrue(log().contains("The server answered 206 to a request without Range; retrying"),
        log());
    assertEquals(2, server.count(PATH));
  }

  // ---------------------------------------------------------------------------------------------
  // Resuming

  @Test
  void resetBodyIsResumedWithRangeAndTheStrongETag() throws Exception {
    server.on(PATH, resetAfter(BODY, 100_000).header("ETag", "\"v1\""),
        ok(BODY).header("ETag", "\"v1\""));
    assertArrayEquals(BODY, download(server.uri(PATH), null));
    FaultyHttpServer.Request resumed = server.requests().get(1);
    assertTrue(resumed.header("Range").orElse("").matches("bytes=[1-9][0-9]*-"),
        resumed.headers().toString());
    assertEquals("\"v1\"", resumed.header("If-Range").orElse(""));
  }

  @Test
  void weakETagIsNoValidatorSoLastModifiedIsUsed() throws Exception {
    String date = "Wed, 21 Oct 2015 07:28:00 GMT";
    server.on(PATH, resetAfter(BODY, 100_000).header("ETag", "W/\"v1\"")
        .header("Last-Modified", date), ok(BODY));
    assertArrayEquals(BODY, download(server.uri(PATH), null));
    assertEquals(date, server.requests().get(1).header("If-Range").orElse(""));
  }

  @Test
  void truncatedBodyIsResumed() throws Exception {
    server.on(PATH, truncated(BODY, 200_000, true), ok(BODY));
    assertArrayEquals(BODY, download(server.uri(PATH), null));
    assertTrue(log().contains("The connection closed before the end of the body after 0.2 MB;"
        + " retrying"), log());
    assertEquals("bytes=200000-", server.requests().get(1).header("Range").orElse(""));
  }

  @Test
  void aWholeFileWithAnotherValidatorIsAChange() {
    server.on(PATH, resetAfter(BODY, 100_000).header("ETag", "\"v1\""),
        ok(BODY).noRanges().header("ETag", "\"v2\""));
    DownloadException e = fails(Kind.CHANGED, () -> download(server.uri(PATH), null));
    assertTrue(e.getMessage().contains("changed during the download"), e.getMessage());
  }

  @Test
  void aWholeFileOfAnotherSizeIsAChange() {
    server.on(PATH, resetAfter(BODY, 100_000), ok(Arrays.copyOf(BODY, BODY.length + 1)).noRanges());
    DownloadException e = fails(Kind.CHANGED, () -> download(server.uri(PATH), null));
    assertTrue(e.getMessage().contains("changed size during the download"), e.getMessage());
  }

  @Test
  void aRangeThatDoesNotFitIsAChange() {
    server.on(PATH, resetAfter(BODY, 100_000), status(206)); // Content-Range: bytes 0-8/9
    DownloadException e = fails(Kind.CHANGED, () -> download(server.uri(PATH), null));
    assertTrue(e.getMessage().contains("range that does not fit"), e.getMessage());
  }

  // ---------------------------------------------------------------------------------------------
  // Timeouts and broken connections

  @Test
  void headersThatNeverComeAreNoAnswer() {
    server.on(PATH, ok(BODY).delay(Duration.ofSeconds(5)));
    DownloadException e = fails(Kind.NETWORK,
        () -> download(downloader(impatient()), server.uri(PATH), null));
    assertTrue(e.getMessage().endsWith(
        ": the server did not answer within 500 ms (tried 2 times)"), e.getMessage());
    assertEquals(2, server.count(PATH), "one request per try");
  }

  @Test
  void aBodyThatGoesSilentIsAReadTimeout() {
    server.on(PATH, stall(BODY, 1000, Duration.ofSeconds(5)));
    DownloadException e = fails(Kind.NETWORK,
        () -> download(downloader(impatient()), server.uri(PATH), null));
    assertTrue(e.getMessage().endsWith(
        ": the server sent nothing for 500 ms (tried 2 times)"), e.getMessage());
    assertTrue(log().contains("The server sent nothing for 500 ms after 0.0 MB; retrying"),
        log());
  }

  // ---------------------------------------------------------------------------------------------
  // Bounds on the whole download: stalls, the retry budget, the deadline

  /** Every time rule short enough that it fires within a few seconds. */
  private static DownloadPolicy bounded() {
    return Fixture.fast().withTimeouts(Duration.ofMillis(500), Duration.ofMillis(800))
        .withStall(Duration.ofSeconds(1), 1024).withRetries(2, Duration.ofMillis(10));
  }

  /** Fails the test instead of hanging it when a bound does not hold. */
  private static DownloadException failsWithin(Duration limit, Kind kind, Executable download) {
    return assertTimeoutPreemptively(limit, () -> fails(kind, download),
        "the download was not bounded");
  }

  private static double secondsSince(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  /** One byte every 100 ms never trips a read timeout: the stall rule ends it. */
  @Test
  @ResourceLock(Locks.WALL_CLOCK)
  void aBodyDrippedAByteAtATimeIsAStall() {
    server.on(PATH, drip(BODY, Duration.ofMillis(100)));
    long start = System.nanoTime();
    DownloadException e = failsWithin(Duration.ofSeconds(30), Kind.NETWORK,
        () -> download(downloader(bounded()), server.uri(PATH), null));
    assertTrue(e.getMessage().matches(".*: the download stalled: \\d+ bytes? in the last [12] s \\("
        + "the buildpack waits for at least 1 KB in that time\\) \\(tried 2 times\\)"),
        e.getMessage());
    assertTrue(log().contains("The download stalled: "), log());
    assertEquals(2, server.count(PATH), "a stall is retried");
    assertTrue(secondsSince(start) < 12, secondsSince(start) + " s");
  }

  /** Headers dripped a byte at a time: the whole answer must come within the timeouts. */
  @Test
  @ResourceLock(Locks.WALL_CLOCK)
  void headersDrippedAByteAtATimeAreNoAnswer() {
    server.on(PATH, dripHeaders(BODY, Duration.ofMillis(50)));
    long start = System.nanoTime();
    DownloadException e = failsWithin(Duration.ofSeconds(30), Kind.NETWORK,
        () -> download(downloader(bounded()), server.uri(PATH), null));
    assertTrue(e.getMessage().endsWith(": the server did not answer within 1 s (tried 2 times)"),
        e.getMessage());
    assertEquals(2, server.count(PATH));
    assertTrue(secondsSince(start) < 12, secondsSince(start) + " s");
  }

  /** A steady download that is too slow ends at the deadline, at once and without retrying. */
  @Test
  @ResourceLock(Locks.WALL_CLOCK)
  void aSlowButSteadyDownloadEndsAtTheDeadline() {
    server.on(PATH, ok(random(2_000_000, 3)).throttle(100_000));
    DownloadPolicy policy = bounded().withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(3))
        .withDeadline(Duration.ofSeconds(2));
    long start = System.nanoTime();
    DownloadException e = failsWithin(Duration.ofSeconds(30), Kind.TIMEOUT,
        () -> download(downloader(policy), server.uri(PATH), null));
    assertTrue(e.getMessage().matches(".* did not finish within 2 s: [0-9.]+ MB of 2\\.0 MB"
        + " arrived \\([0-9.]+ MB/s\\)"), e.getMessage());
    assertEquals(1, server.count(PATH), "the deadline is final");
    double took = secondsSince(start);
    assertTrue(took >= 1.9 && took < 10, took + " s"); // unbounded: 20 s
  }

  /**
   * A server that never answers costs the retry budget, not tries x timeouts: ten tries of a
   * 1 s timeout would take 10 s; a 2.5 s budget stops after about three.
   */
  @Test
  @ResourceLock(Locks.WALL_CLOCK)
  void aServerThatNeverAnswersCostsAtMostTheRetryBudget() {
    server.on(PATH, ok(BODY).delay(Duration.ofSeconds(30)));
    DownloadPolicy policy = bounded().withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(1))
        .withRetries(10, Duration.ofMillis(10)).withRetryBudget(Duration.ofMillis(2500));
    long start = System.nanoTime();
    DownloadException e = failsWithin(Duration.ofSeconds(30), Kind.NETWORK,
        () -> download(downloader(policy), server.uri(PATH), null));
    assertTrue(e.getMessage().matches(".*: the server did not answer within [0-9]+ m?s \\(tried"
        + " [2-4] times; gave up after [2-4] s without progress\\)"), e.getMessage());
    double took = secondsSince(start);
    assertTrue(took >= 2.3 && took < 8, took + " s"); // unbounded: over 10 s
  }

  /** The same for a body that stops half-way on every try. */
  @Test
  @ResourceLock(Locks.WALL_CLOCK)
  void aServerThatStopsMidBodyCostsAtMostTheRetryBudget() {
    server.on(PATH, stall(BODY, 1000, Duration.ofSeconds(30)));
    DownloadPolicy policy = bounded().withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(1))
        .withRetries(10, Duration.ofMillis(10)).withRetryBudget(Duration.ofMillis(2500));
    long start = System.nanoTime();
    DownloadException e = failsWithin(Duration.ofSeconds(30), Kind.NETWORK,
        () -> download(downloader(policy), server.uri(PATH), null));
    assertTrue(e.getMessage().matches(".* failed after 0\\.0 MB: the server sent nothing for"
        + " [0-9]+ m?s \\(tried [2-4] times; gave up after [2-4] s without progress\\)"),
        e.getMessage());
    double took = secondsSince(start);
    assertTrue(took >= 2.3 && took < 8, took + " s"); // unbounded: over 10 s
  }

  @Test
  void aConnectionThatIsNeverAcceptedIsAConnectTimeout() throws Exception {
    ServerSocket full = fullBacklog();
    URI uri = URI.create("http://127.0.0.1:" + full.getLocalPort() + PATH);
    DownloadException e = fails(Kind.NETWORK,
        () -> download(downloader(impatient()), uri, null));
    assertTrue(e.getMessage().endsWith(": the connection timed out (tried 2 times)"),
        e.getMessage());
  }

  /** A listening socket whose accept queue is full: Linux drops further SYNs. */
  private ServerSocket fullBacklog() throws IOException {
    ServerSocket socket = new ServerSocket();
    closeAfter.add(socket);
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
    for (int i = 0; i < 10; i++) {
      Socket filler = new Socket();
      closeAfter.add(filler);
      try {
        filler.connect(socket.getLocalSocketAddress(), 200);
      } catch (SocketTimeoutException e) {
        return socket;
      }
    }
    throw new AssertionError("could not fill the accept queue of a loopback socket");
  }

  @Test
  void aRefusedConnectionIsNamed() throws Exception {
    try (RefusingPort port = new RefusingPort()) {
      DownloadException e = fails(Kind.NETWORK,
          () -> download(downloader(impatient()), port.uri(PATH), null));
      assertTrue(e.getMessage().endsWith(": the connection was refused (tried 2 times)"),
          e.getMessage());
    }
  }

  @Test
  void aServerThatHangsUpIsRetriedABoundedNumberOfTimes() {
    server.on(PATH, hangUp());
    DownloadException e = fails(Kind.NETWORK,
        () -> download(downloader(impatient()), server.uri(PATH), null));
    assertTrue(e.getMessage().endsWith(
        ": the connection closed before the server answered (tried 2 times)"), e.getMessage());
    // HttpURLConnection itself sends a GET a second time when the first gets no answer at all.
    long requests = server.count(PATH);
    assertTrue(requests >= 2 && requests <= 4, requests + " requests");
  }

  // ---------------------------------------------------------------------------------------------
  // Limits

  @Test
  void tooLargeByContentLengthIsRefusedBeforeReading() {
    Downloader small = downloader(Fixture.fast().withCaps(100_000, 1L << 30, 1000));
    server.on(PATH, ok(BODY));
    DownloadException e = fails(Kind.TOO_LARGE, () -> download(small, server.uri(PATH), null));
    assertTrue(e.getMessage().contains("is 0.4 MB, more than the 0.1 MB"), e.getMessage());
    assertEquals(1, server.count(PATH));
  }

  @Test
  void tooLargeByBytesReadIsRefused() {
    Downloader small = downloader(Fixture.fast().withCaps(100_000, 1L << 30, 1000));
    server.on(PATH, okWithoutLength(BODY));
    DownloadException e = fails(Kind.TOO_LARGE, () -> download(small, server.uri(PATH), null));
    assertTrue(e.getMessage().contains("sent more than 0.1 MB"), e.getMessage());
    assertEquals(1, server.count(PATH));
  }

  /** 2 GB + 1 byte against the 2 GB cap: the two numbers must not read the same. */
  @Test
  void oneByteOverTheCapIsShownAsDifferentFromTheCap() {
    long cap = DownloadPolicy.defaults().maxDownloadBytes();
    server.on(PATH, okWithoutLength(BODY).header("Content-Length", Long.toString(cap + 1)));
    DownloadException e = fails(Kind.TOO_LARGE,
        () -> download(downloader(DownloadPolicy.defaults()), server.uri(PATH), null));
    assertTrue(e.getMessage().endsWith(" is 2,147,483,649 bytes, more than the 2,147,483,648"
        + " bytes a Datomic zip may have"), e.getMessage());
  }

  @Test
  void aLocalFileOneByteOverTheCapIsShownAsDifferentFromTheCap() throws IOException {
    long cap = DownloadPolicy.defaults().maxDownloadBytes();
    Path sparse = dir.resolve("huge.zip");
    try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
      f.setLength(cap + 1); // sparse: no disk used
    }
    DownloadException e = fails(Kind.TOO_LARGE,
        () -> download(downloader(DownloadPolicy.defaults()), sparse.toUri(), null));
    assertTrue(e.getMessage().endsWith(" is 2,147,483,649 bytes, more than the 2,147,483,648"
        + " bytes a Datomic zip may have"), e.getMessage());
  }

  @Test
  void fetchReadsASmallDocumentAndRefusesALargerOne() throws Exception {
    server.on(PATH, ok(BODY));
    Downloader downloader = downloader(Fixture.fast());
    assertArrayEquals(BODY, downloader.fetch(server.uri(PATH), BODY.length));
    DownloadException e = fails(Kind.TOO_LARGE,
        () -> downloader.fetch(server.uri(PATH), BODY.length - 1));
    assertTrue(e.getMessage().contains("is larger than " + (BODY.length - 1) + " bytes"),
        e.getMessage());
  }

  // ---------------------------------------------------------------------------------------------
  // Nothing left behind, nothing borrowed from the JVM's defaults

  @Test
  @ResourceLock(Locks.WALL_CLOCK) // the server must see the close within 2 s
  void everyConnectionIsClosedAfterAnErrorAndAfterTheBody() throws Exception {
    server.on(PATH, status(500).keepAlive(), ok(BODY).keepAlive());
    assertArrayEquals(BODY, download(server.uri(PATH), null));
    assertEquals(2, server.closedByClient(PATH, 2, Duration.ofSeconds(2)),
        "a connection kept open (or in the keep-alive cache)");
  }

  /**
   * A zip abandoned half-way (a corrupt one, say) closes its connection at once. (For a body of
   * at most 512 KB, {@code http.KeepAlive.remainingData}, the JDK would instead read the rest in
   * the background to reuse the connection, if the server ignored {@code Connection: close}.)
   */
  @Test
  @ResourceLock(Locks.WALL_CLOCK) // the server must see the close within 2 s
  void aDownloadClosedHalfWayClosesItsConnection() throws Exception {
    server.on(PATH, ok(random(2_000_000, 2)).keepAlive());
    try (Downloader.Download in = downloader(Fixture.fast()).open(server.uri(PATH), null)) {
      assertEquals(1000, in.readNBytes(1000).length);
    }
    assertEquals(1, server.closedByClient(PATH, 1, Duration.ofSeconds(2)));
  }

  @Test
  @ResourceLock(Locks.JAVA_NET_DEFAULTS)
  void aDefaultAuthenticatorIsNeverAsked() {
    AtomicInteger asked = new AtomicInteger();
    Authenticator.setDefault(new Authenticator() {
      @Override
      protected PasswordAuthentication getPasswordAuthentication() {
        asked.incrementAndGet();
        return new PasswordAuthentication("someone", "else".toCharArray());
      }
    });
    try {
      server.on(PATH, status(401).header("WWW-Authenticate", "Basic realm=\"datomic\""),
          ok(BODY));
      fails(Kind.UNAUTHORIZED, () -> download(server.uri(PATH), null));
      assertEquals(0, asked.get(), "the JVM's default authenticator was asked");
      assertEquals(1, server.count(PATH));
    } finally {
      Authenticator.setDefault(null);
    }
  }

  @Test
  @ResourceLock(Locks.JAVA_NET_DEFAULTS)
  void aDefaultResponseCacheIsNeverUsed() throws Exception {
    AtomicInteger used = new AtomicInteger();
    ResponseCache.setDefault(new ResponseCache() {
      @Override
      public CacheResponse get(URI uri, String method, Map<String, List<String>> headers) {
        used.incrementAndGet();
        return null;
      }

      @Override
      public CacheRequest put(URI uri, URLConnection connection) {
        used.incrementAndGet();
        return null;
      }
    });
    try {
      server.on(PATH, ok(BODY));
      assertArrayEquals(BODY, download(server.uri(PATH), null));
      assertEquals(0, used.get(), "the JVM's default response cache was used");
    } finally {
      ResponseCache.setDefault(null);
    }
  }
}
