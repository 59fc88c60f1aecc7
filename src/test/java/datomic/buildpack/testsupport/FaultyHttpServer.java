package datomic.buildpack.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * A loopback HTTP/1.1 server (127.0.0.1 only) that fails on purpose: each path has a queue of
 * scripted responses (the last one repeats), such as a 500, a connection reset half-way through
 * the body, a body cut short with or without Content-Length, a stall, or a redirect. Every
 * request is recorded so tests can assert what the client sent and how often. Connections are
 * closed after each response unless a response asks to keep them alive; then the server notes
 * when the client closes them.
 */
public final class FaultyHttpServer implements AutoCloseable {
  /** One scripted response. */
  public static final class Response {
    final int status;
    final byte[] body;
    final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    int sendBytes = -1; // how much of the body to send before the fault (-1: all)
    boolean withLength = true;
    boolean reset;
    Duration stall;
    boolean ranges = true;
    long bytesPerSecond;
    boolean keepAlive;
    boolean gzipUnlessRefused;
    boolean hangUp;
    Duration delay;
    Duration drip;
    boolean dripHeaders;

    private Response(int status, byte[] body) {
      this.status = status;
      this.body = body;
    }

    public Response header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    /** Ignore Range requests (answer 200 with the whole body). */
    public Response noRanges() {
      ranges = false;
      return this;
    }

    /** Send the body at about this rate, about ten writes a second. */
    public Response throttle(long bytesPerSecond) {
      this.bytesPerSecond = bytesPerSecond;
      return this;
    }

    /**
     * Keep the connection open after the response (HTTP/1.1 without {@code Connection: close},
     * whatever the request asked) until the client closes it; see {@link #closedByClient}.
     */
    public Response keepAlive() {
      keepAlive = true;
      return this;
    }

    /**
     * Send the body gzipped ({@code Content-Encoding: gzip}) unless the request's
     * {@code Accept-Encoding} rules gzip out: without that header any coding is acceptable
     * (RFC 9110, 12.5.3).
     */
    public Response gzipUnlessRefused() {
      gzipUnlessRefused = true;
      return this;
    }

    /** Wait this long before sending anything, headers included. */
    public Response delay(Duration delay) {
      this.delay = delay;
      return this;
    }
  }

  /** A request as received. */
  public record Request(String method, String path, Map<String, String> headers) {
    public Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }
  }

  public static Response ok(byte[] body) {
    return new Response(200, body);
  }

  /** 200 without Content-Length: the body ends when the connection closes. */
  public static Response okWithoutLength(byte[] body) {
    Response r = new Response(200, body);
    r.withLength = false;
    return r;
  }

  public static Response status(int status) {
    return new Response(status, ("HTTP " + status + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Sends {@code sent} bytes of the body, then resets the connection (TCP RST). */
  public static Response resetAfter(byte[] body, int sent) {
    Response r = new Response(200, body);
    r.sendBytes = sent;
    r.reset = true;
    return r;
  }

  /** Sends {@code sent} bytes of the body and closes, with or without a Content-Length. */
  public static Response truncated(byte[] body, int sent, boolean withLength) {
    Response r = new Response(200, body);
    r.sendBytes = sent;
    r.withLength = withLength;
    return r;
  }

  /** Sends {@code sent} bytes of the body, then sends nothing for {@code stall}. */
  public static Response stall(byte[] body, int sent, Duration stall) {
    Response r = new Response(200, body);
    r.sendBytes = sent;
    r.stall = stall;
    return r;
  }

  /**
   * Sends the headers (with the full Content-Length), then the body one byte every
   * {@code every}: never silent long enough for a read timeout, and never done.
   */
  public static Response drip(byte[] body, Duration every) {
    Response r = new Response(200, body);
    r.drip = every;
    return r;
  }

  /** Sends the status line and headers one byte every {@code every}, then drips the body. */
  public static Response dripHeaders(byte[] body, Duration every) {
    Response r = drip(body, every);
    r.dripHeaders = true;
    return r;
  }

  /** Reads the request and closes the connection without answering. */
  public static Response hangUp() {
    Response r = new Response(0, new byte[0]);
    r.hangUp = true;
    return r;
  }

  public static Response redirect(int status, String location) {
    return new Response(status, new byte[0]).header("Location", location);
  }

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

  private final ServerSocket server;
  private final Map<String, Deque<Response>> scripts = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<String> closedByClient = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final Thread acceptor;
  private volatile boolean closed;

  public FaultyHttpServer() throws IOException {
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    acceptor = new Thread(this::acceptLoop, "faulty-http-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Scripts the responses for {@code path}, in order; the last one repeats. */
  public FaultyHttpServer on(String path, Response... responses) {
    scripts.put(path, new ArrayDeque<>(List.of(responses)));
    return this;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getLocalPort() + path);
  }

  /** The URL of {@code path} as text (it may hold a {@code {version}} placeholder). */
  public String url(String path) {
    return "http://127.0.0.1:" + server.getLocalPort() + path;
  }

  public int port() {
    return server.getLocalPort();
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public long count(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).count();
  }

  /**
   * How many kept-alive connections that served {@code path} the client has closed, waiting up to
   * {@code within} for there to be {@code expected}.
   */
  public long closedByClient(String path, long expected, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (countClosed(path) < expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return countClosed(path);
  }

  private long countClosed(String path) {
    return closedByClient.stream().filter(path::equals).count();
  }

  private Response next(String path) {
    Deque<Response> script = scripts.get(path);
    if (script == null) {
      return status(404);
    }
    synchronized (script) {
      return script.size() > 1 ? script.removeFirst() : script.peekFirst();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket socket = server.accept();
        open.add(socket);
        Thread t = new Thread(() -> serve(socket), "faulty-http-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = new BufferedInputStream(socket.getInputStream());
      String requestLine = line(in);
      if (requestLine == null || requestLine.isEmpty()) {
        return;
      }
      Map<String, String> headers = new TreeMap<>();
      for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
        int colon = h.indexOf(':');
        if (colon > 0) {
          headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT),
              h.substring(colon + 1).strip());
        }
      }
      String[] parts = requestLine.split(" ");
      String path = parts.length > 1 ? parts[1] : "/";
      requests.add(new Request(parts[0], path, headers));
      Response r = next(path);
      try {
        respond(socket, r, headers);
      } catch (IOException e) {
        if (r.keepAlive) {
          noteClosed(path); // the client closed while the body was being sent
        }
        throw e;
      }
      if (r.keepAlive) {
        awaitClose(in, path);
      }
    } catch (IOException e) {
      // the client went away: fine for a fault injector
    } finally {
      open.remove(socket);
    }
  }

  /** Waits for the client to close a kept-alive connection (or send anything else). */
  private void awaitClose(InputStream in, String path) {
    try {
      in.read();
    } catch (IOException e) {
      // a reset: closed as well
    }
    noteClosed(path);
  }

  private void noteClosed(String path) {
    if (!closed) {
      closedByClient.add(path);
    }
  }

  private void respond(Socket socket, Response r, Map<String, String> request) throws IOException {
    if (r.delay != null) {
      sleep(r.delay);
    }
    if (r.hangUp) {
      return;
    }
    OutputStream out = socket.getOutputStream();
    int status = r.status;
    byte[] body = r.body;
    String range = request.get("range");
    boolean gzip = r.gzipUnlessRefused && acceptsGzip(request.get("accept-encoding"));
    if (gzip) {
      body = gzip(body);
      range = null;
    }
    int from = 0;
    if (status == 200 && range != null && r.ranges) {
      Matcher m = RANGE.matcher(range);
      if (m.matches() && Long.parseLong(m.group(1)) < body.length) {
        from = Integer.parseInt(m.group(1));
        status = 206;
      }
    }
    StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " " + reason(status) + "\r\n");
    r.headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    if (gzip) {
      head.append("Content-Encoding: gzip\r\n");
    }
    if (r.withLength) {
      head.append("Content-Length: ").append(body.length - from).append("\r\n");
    }
    if (status == 206) {
      head.append("Content-Range: bytes ").append(from).append('-').append(body.length - 1)
          .append('/').append(body.length).append("\r\n");
    }
    head.append(r.keepAlive ? "\r\n" : "Connection: close\r\n\r\n");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    int end = r.sendBytes < 0 ? body.length : Math.min(body.length, from + r.sendBytes);
    if (r.drip != null) {
      if (r.dripHeaders) {
        drip(out, headBytes, 0, headBytes.length, r.drip);
      } else {
        out.write(headBytes);
      }
      drip(out, body, from, end, r.drip);
      return;
    }
    out.write(headBytes);
    write(out, r, body, from, end);
    out.flush();
    if (r.stall != null) {
      sleep(r.stall);
      return;
    }
    if (r.reset) {
      // Give the client time to read what was sent: on Linux a RST discards the unread bytes in
      // its receive buffer, and on a busy machine the "reset mid-body" would become "reset
      // before any body", a different case.
      sleep(Duration.ofMillis(500));
      socket.setSoLinger(true, 0); // close() now sends RST
    }
  }

  /** Writes bytes one at a time, {@code every} apart, until done or the client leaves. */
  private void drip(OutputStream out, byte[] bytes, int from, int end, Duration every)
      throws IOException {
    for (int i = from; i < end && !closed; i++) {
      out.write(bytes[i]);
      out.flush();
      sleep(every);
    }
  }

  /** Whether an Accept-Encoding value (null: no such header) lets gzip through. */
  private static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return true;
    }
    for (String item : acceptEncoding.split(",")) {
      String[] parts = item.split(";");
      String coding = parts[0].strip().toLowerCase(Locale.ROOT);
      boolean refused = parts.length > 1 && parts[1].strip().matches("q=0(\\.0*)?");
      if ((coding.equals("gzip") || coding.equals("*")) && !refused) {
        return true;
      }
    }
    return false;
  }

  public static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(buf)) {
      out.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.toByteArray();
  }

  private static void write(OutputStream out, Response r, byte[] body, int from, int end)
      throws IOException {
    if (r.bytesPerSecond <= 0) {
      out.write(body, from, end - from);
      return;
    }
    long start = System.nanoTime();
    // About ten writes a second (at most 64 KB each): a slow rate is a steady drip, not bursts
    // with long silences between them that a client's stall rule would catch.
    int chunk = (int) Math.max(1, Math.min(64 * 1024, r.bytesPerSecond / 10));
    for (int pos = from; pos < end; pos += chunk) {
      int n = Math.min(chunk, end - pos);
      out.write(body, pos, n);
      long due = (long) ((pos + n - from) * 1e9 / r.bytesPerSecond);
      long ahead = due - (System.nanoTime() - start);
      if (ahead > 0) {
        sleep(Duration.ofNanos(ahead));
      }
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 206 -> "Partial Content";
      case 301 -> "Moved Permanently";
      case 302 -> "Found";
      case 307 -> "Temporary Redirect";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        break;
      }
      if (c != '\r') {
        buf.write(c);
      }
    }
    if (c < 0 && buf.size() == 0) {
      return null;
    }
    return buf.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
