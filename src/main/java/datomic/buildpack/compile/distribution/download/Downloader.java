package datomic.buildpack.compile.distribution.download;

import datomic.buildpack.compile.distribution.download.DownloadException.Kind;
import datomic.buildpack.files.Streams;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.Secrets;
import datomic.buildpack.output.Units;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.Authenticator;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.MalformedURLException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fetches a zip over HTTP(S) with the JDK's {@link HttpURLConnection}, or reads a {@code file:}
 * URL. HTTP downloads are bounded in time at every scale ({@link DownloadPolicy},
 * {@link DownloadClock}): a connect timeout; the answer's headers, all of them, within the read
 * timeout, and each next piece of the body too; a stall rule (too few bytes for too long); a
 * bounded number of tries with backoff for 5xx, 408/429, resets, stalls and truncation, within a
 * budget of time that failed tries may lose together (HttpURLConnection itself also sends a
 * request once more when the connection closes before any answer); and a deadline for the whole
 * download. A body that breaks off is resumed where it stopped (with {@code Range}, else by
 * skipping what was already read), so the caller sees one unbroken stream. 401, 403, 404 and 410
 * are never retried. Redirects are followed by hand: never from https to http, and credentials
 * only go to the origin they were meant for. Each request asks the server to close its
 * connection, and is disconnected when done with: no connection is kept for reuse.
 *
 * <p>Why not {@code java.net.http.HttpClient}: on a 2-core machine, creating one cost 0.2-0.4 s
 * and reading a 231 MB body over loopback through it took 0.5-0.7 s (every piece is handed over
 * from its selector thread); {@code HttpURLConnection} costs nothing to set up and reads the same
 * body on the calling thread in 0.2 s.
 */
public final class Downloader {
  private static final int MAX_REDIRECTS = 5;
  private static final String USER_AGENT = "heroku-buildpack-datomic";
  /** Answers no password request: a default {@link Authenticator} set by anyone is not asked. */
  private static final Authenticator NO_AUTHENTICATOR = new Authenticator() {};

  private final DownloadPolicy policy;
  private final Log log;

  public Downloader(DownloadPolicy policy, Log log) {
    this.policy = policy;
    this.log = log;
  }

  /** A download in progress: read it like a stream. */
  public abstract static class Download extends InputStream {
    /** Total size in bytes when the source said so, else -1. */
    public abstract long length();

    /** Whether bytes come over the network (a short read may then be a truncation). */
    public abstract boolean isNetwork();
  }

  /** Opens {@code uri} ({@code https:}, {@code http:} or {@code file:}). */
  public Download open(URI uri, Credentials credentials) throws IOException {
    String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
    if (scheme.equals("file")) {
      return openFile(uri);
    }
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new DownloadException(Kind.HTTP_STATUS,
          "unsupported URL scheme '" + scheme + "' (use https:, http: or file:)");
    }
    Credentials sendable = credentials;
    if (credentials != null && scheme.equals("http") && !isLoopback(uri.getHost())) {
      log.warning("Not sending DATOMIC_LICENSE_USER/DATOMIC_LICENSE_PASSWORD over plain http.",
          "Credentials over http: travel unencrypted. Use an https: URL.");
      sendable = null;
    }
    HttpDownload download = new HttpDownload(uri, sendable);
    try {
      download.connect();
    } catch (IOException | RuntimeException e) {
      download.close();
      throw e;
    }
    return download;
  }

  /** Reads a small document (such as Maven metadata), at most {@code maxBytes}. */
  public byte[] fetch(URI uri, int maxBytes) throws IOException {
    try (Download in = open(uri, null)) {
      byte[] bytes = in.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw new DownloadException(Kind.TOO_LARGE,
            display(uri) + " is larger than " + maxBytes + " bytes");
      }
      return bytes;
    }
  }

  private Download openFile(URI uri) throws IOException {
    Path path;
    try {
      path = Path.of(uri);
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      throw new DownloadException(Kind.NO_FILE, display(uri)
          + " is not a usable file: URL (write it as file:///absolute/path/to/file)");
    }
    return FileSource.open(path, policy.maxDownloadBytes());
  }

  /** A URL fit for a build log: no password, no query (signed URLs carry tokens there). */
  public static String display(URI uri) {
    if (uri.getScheme() == null || uri.getScheme().equals("file")) {
      return Secrets.maskUrls(uri.toString());
    }
    String host = uri.getHost() == null ? "" : uri.getHost();
    String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String query = uri.getRawQuery() == null ? "" : "?...";
    return Secrets.maskUrls(uri.getScheme() + "://" + host + port + path + query);
  }

  private static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    if (host.equals("localhost")) {
      return true;
    }
    try {
      return host.matches("[0-9.]+|\\[[0-9a-fA-F:]+\\]") && InetAddress.getByName(host).isLoopbackAddress();
    } catch (IOException e) {
      return false;
    }
  }

  static String describe(Throwable e) {
    String message = e.getMessage();
    String lower = message == null ? "" : message.toLowerCase(Locale.ROOT);
    if (e instanceof SocketTimeoutException) {
      // "Connect timed out" while connecting; "Read timed out" for headers and body alike.
      return lower.contains("connect") ? "the connection timed out"
          : "the server stopped sending data (read timeout)";
    }
    if (e instanceof ConnectException) {
      return lower.contains("timed out") ? "the connection timed out"
          : "the connection was refused";
    }
    if (e instanceof NoRouteToHostException) {
      return "there is no route to the host";
    }
    if (e instanceof UnknownHostException) {
      return "the host name could not be resolved"
          + (message == null ? "" : " (" + Secrets.maskUrls(message) + ")");
    }
    if (e instanceof EOFException) {
      return "the connection closed early";
    }
    if (lower.contains("unexpected end of file from server")) {
      return "the connection closed before the server answered";
    }
    if (lower.contains("premature eof")) { // a chunked body cut short
      return "the connection closed before the end of the body";
    }
    if (message == null || message.isBlank()) {
      message = e.getClass().getSimpleName();
    }
    return Secrets.maskUrls(message);
  }

  private void pause(Duration d) throws InterruptedIOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to retry");
    }
  }

  /** Whether a failed try is worth another: not a final answer, not an interrupt. */
  private static boolean worthRetrying(IOException e) {
    if (e instanceof DownloadException) {
      return false;
    }
    // A socket timeout is an InterruptedIOException too, but a stall, not an interrupt.
    return !(e instanceof InterruptedIOException) || e instanceof SocketTimeoutException;
  }

  /** Milliseconds for HttpURLConnection, where 0 would mean "wait forever". */
  private static int millis(Duration d) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
  }

  /**
   * Lets go of a response: its body (or error body) and its socket, which is closed rather than
   * kept alive for reuse.
   */
  private static void discard(HttpURLConnection c) {
    try {
      InputStream error = c.getErrorStream();
      if (error != null) {
        error.close();
      }
    } catch (IOException ignored) {
      // closing anyway
    }
    c.disconnect();
  }

  /** An HTTP download that retries, resumes and times out as the policy says. */
  private final class HttpDownload extends Download {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private final URI origin;
    private final Credentials credentials;
    private final DownloadClock clock = new DownloadClock(policy);
    private Duration readLimit = policy.readTimeout();
    private HttpURLConnection connection;
    private InputStream body;
    private long position;
    private long total = -1;
    private String validator;
    private int tries;
    private boolean closed;

    HttpDownload(URI origin, Credentials credentials) {
      this.origin = origin;
      this.credentials = credentials;
    }

    @Override
    public long length() {
      return total;
    }

    @Override
    public boolean isNetwork() {
      return true;
    }

    /** Opens the body at {@link #position}, retrying what is worth retrying. */
    void connect() throws IOException {
      while (true) {
        tries++;
        clock.startTry();
        String problem;
        try {
          problem = tryConnect();
          if (problem == null) {
            return;
          }
        } catch (IOException e) {
          if (clock.pastDeadline()) {
            throw timedOut();
          }
          if (!worthRetrying(e)) {
            throw e;
          }
          problem = describe(e);
        }
        retryOrFail(problem);
      }
    }

    private void retryOrFail(String problem) throws IOException {
      clock.tryFailed();
      String at = position > 0 ? " after " + Units.mb(position) : "";
      String failed = "downloading " + display(origin) + " failed" + at + ": " + problem
          + " (tried " + tries + (tries == 1 ? " time" : " times");
      if (clock.pastDeadline()) {
        throw timedOut();
      }
      if (tries >= policy.attempts()) {
        throw new DownloadException(Kind.NETWORK, failed + ")");
      }
      Duration wait = policy.backoffBefore(tries + 1);
      if (!clock.budgetAllows(wait)) {
        throw new DownloadException(Kind.NETWORK, failed + "; gave up after "
            + Units.shortDuration(clock.lost()) + " without progress)");
      }
      if (!clock.deadlineAllows(wait)) {
        throw timedOut();
      }
      log.detail(capitalize(problem) + at + "; retrying in " + Units.shortDuration(wait)
          + " (attempt " + (tries + 1) + " of " + policy.attempts() + ")");
      pause(wait);
      clock.waited(wait);
    }

    /** The whole download took longer than the policy's deadline: final, never retried. */
    private DownloadException timedOut() {
      String arrived = Units.mb(position) + (total >= 0 ? " of " + Units.mb(total) : "")
          + " arrived (" + Units.mbPerSecond(position, clock.elapsed().toMillis() / 1000.0) + ")";
      return new DownloadException(Kind.TIMEOUT, "downloading " + display(origin)
          + " did not finish within " + Units.shortDuration(policy.deadline()) + ": " + arrived);
    }

    /** One try; null when the body is open, else why it is worth another try. */
    private String tryConnect() throws IOException {
      URI uri = origin;
      for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
        Duration connectLimit = clock.within(policy.connectTimeout());
        readLimit = clock.within(policy.readTimeout());
        HttpURLConnection c = request(uri, connectLimit, readLimit);
        boolean opened = false;
        try {
          // Connects, sends, reads the headers: all of it within the connect and read timeouts.
          int status = clock.awaitAnswer(c, clock.within(policy.connectTimeout()
              .plus(policy.readTimeout())), readLimit);
          if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
            uri = redirect(uri, c, status);
            continue;
          }
          if (status == 200 || status == 206) {
            String problem = accept(c, status);
            opened = problem == null;
            return problem;
          }
          switch (status) {
            case 401 -> throw new DownloadException(Kind.UNAUTHORIZED, status,
                display(origin) + " answered 401 Unauthorized");
            case 403 -> throw new DownloadException(Kind.FORBIDDEN, status,
                display(origin) + " answered 403 Forbidden");
            case 404, 410 -> throw new DownloadException(Kind.NOT_FOUND, status,
                display(origin) + " answered " + status + " Not Found");
            case -1 -> {
              return "the server did not answer with HTTP";
            }
            default -> {
              if (status == 408 || status == 429 || status >= 500) {
                return "the server answered HTTP " + status;
              }
              throw new DownloadException(Kind.HTTP_STATUS, status,
                  display(origin) + " answered HTTP " + status);
            }
          }
        } finally {
          if (!opened) {
            discard(c);
          }
        }
      }
      throw new DownloadException(Kind.HTTP_STATUS,
          display(origin) + " redirected more than " + MAX_REDIRECTS + " times");
    }

    private HttpURLConnection request(URI uri, Duration connectLimit, Duration readLimit)
        throws IOException {
      HttpURLConnection c;
      try {
        c = (HttpURLConnection) uri.toURL().openConnection();
      } catch (IllegalArgumentException | MalformedURLException e) {
        throw new DownloadException(Kind.HTTP_STATUS, display(uri) + " is not a usable URL");
      }
      c.setConnectTimeout(millis(connectLimit));
      c.setReadTimeout(millis(readLimit)); // every read: headers and body
      c.setInstanceFollowRedirects(false); // followed by hand: see redirect()
      c.setUseCaches(false);
      c.setAuthenticator(NO_AUTHENTICATOR);
      c.setRequestProperty("User-Agent", USER_AGENT);
      c.setRequestProperty("Accept", "*/*");
      // The file's own bytes: ranges and lengths count them, and nothing would decode gzip.
      c.setRequestProperty("Accept-Encoding", "identity");
      // One request per connection: nothing is left open in the JDK's keep-alive cache.
      c.setRequestProperty("Connection", "close");
      if (position > 0) {
        c.setRequestProperty("Range", "bytes=" + position + "-");
        if (validator != null) {
          c.setRequestProperty("If-Range", validator);
        }
      }
      if (credentials != null && sameOrigin(uri, origin)) {
        c.setRequestProperty("Authorization", credentials.basicHeader());
      }
      return c;
    }

    private URI redirect(URI from, HttpURLConnection c, int status) throws IOException {
      String location = c.getHeaderField("Location");
      if (location == null) {
        throw new DownloadException(Kind.HTTP_STATUS, status,
            display(from) + " redirected without a Location");
      }
      URI next;
      try {
        next = from.resolve(location.strip());
      } catch (IllegalArgumentException e) {
        throw new DownloadException(Kind.HTTP_STATUS, display(from)
            + " redirected to an invalid URL");
      }
      String scheme = String.valueOf(next.getScheme()).toLowerCase(Locale.ROOT);
      if (!scheme.equals("https") && !scheme.equals("http")) {
        throw new DownloadException(Kind.INSECURE, display(from)
            + " redirected to a " + scheme + ": URL, which is not followed");
      }
      if ("https".equalsIgnoreCase(from.getScheme()) && scheme.equals("http")) {
        throw new DownloadException(Kind.INSECURE, display(from)
            + " redirected from https to plain http (" + display(next) + "), which is not followed");
      }
      if (next.getHost() == null) {
        throw new DownloadException(Kind.HTTP_STATUS, display(from)
            + " redirected to an invalid URL");
      }
      log.detail("Redirected to " + next.getScheme() + "://" + next.getHost()
          + (next.getPort() < 0 ? "" : ":" + next.getPort()));
      return next;
    }

    /** Takes a 200 or 206: null when its body is open at {@link #position}, else the problem. */
    private String accept(HttpURLConnection c, int status) throws IOException {
      String encoding = c.getContentEncoding();
      if (encoding != null && !encoding.isBlank() && !encoding.strip().equalsIgnoreCase("identity")) {
        // Asked for identity; a compressed body's bytes are not the zip's, nor are its ranges.
        throw new DownloadException(Kind.HTTP_STATUS, status, display(origin)
            + " sent the file compressed (Content-Encoding: " + clip(encoding.strip())
            + ") although asked to send it as it is");
      }
      long contentLength = c.getContentLengthLong();
      if (position == 0) {
        if (status == 206) {
          return "the server answered 206 to a request without Range";
        }
        total = contentLength;
        if (total > policy.maxDownloadBytes()) {
          throw new DownloadException(Kind.TOO_LARGE, display(origin) + " is "
              + Units.mbApartFrom(total, policy.maxDownloadBytes()) + ", more than the "
              + Units.mbApartFrom(policy.maxDownloadBytes(), total) + " a Datomic zip may have");
        }
        validator = validatorOf(c);
        open(c, c.getInputStream());
        return null;
      }
      // Resuming after `position` bytes.
      if (status == 206) {
        Matcher m = CONTENT_RANGE.matcher(String.valueOf(c.getHeaderField("Content-Range")));
        if (!m.matches() || Long.parseLong(m.group(1)) != position
            || total >= 0 && !m.group(3).equals("*") && Long.parseLong(m.group(3)) != total) {
          throw new DownloadException(Kind.CHANGED, display(origin)
              + " answered a resumed download with a range that does not fit");
        }
        open(c, c.getInputStream());
        return null;
      }
      // 200: the whole file again; skip what was already read.
      if (total >= 0 && contentLength >= 0 && contentLength != total) {
        throw new DownloadException(Kind.CHANGED, "the file at " + display(origin)
            + " changed size during the download");
      }
      String newValidator = validatorOf(c);
      if (validator != null && newValidator != null && !validator.equals(newValidator)) {
        throw new DownloadException(Kind.CHANGED, "the file at " + display(origin)
            + " changed during the download");
      }
      InputStream in = c.getInputStream();
      long skipped = 0;
      byte[] scratch = new byte[64 * 1024];
      while (skipped < position) {
        if (clock.pastDeadline()) {
          throw timedOut();
        }
        clock.checkStall();
        int n;
        try {
          n = in.read(scratch, 0, (int) Math.min(scratch.length, position - skipped));
        } catch (SocketTimeoutException e) {
          return sentNothing();
        }
        if (n < 0) {
          return "the connection closed early";
        }
        clock.bytes(n);
        skipped += n;
      }
      open(c, in);
      return null;
    }

    private void open(HttpURLConnection c, InputStream in) {
      connection = c;
      body = in;
    }

    /** Lets go of the open response, if any. */
    private void release() {
      if (connection != null) {
        discard(connection);
      }
      connection = null;
      body = null;
    }

    private String validatorOf(HttpURLConnection c) {
      String etag = c.getHeaderField("ETag");
      return etag != null && !etag.startsWith("W/") ? etag : c.getHeaderField("Last-Modified");
    }

    @Override
    public int read() throws IOException {
      return Streams.readOne(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (closed || body == null) {
        throw new IOException("download closed");
      }
      if (len == 0) {
        return 0;
      }
      while (true) {
        String problem;
        try {
          if (clock.pastDeadline()) {
            throw timedOut();
          }
          clock.checkStall(); // before reading: bytes read are always handed over
          int n = body.read(b, off, len);
          if (n > 0) {
            clock.bytes(n);
            position += n;
            if (position > policy.maxDownloadBytes()) {
              throw new DownloadException(Kind.TOO_LARGE, display(origin) + " sent more than "
                  + Units.mb(policy.maxDownloadBytes()) + ", more than a Datomic zip may have");
            }
            return n;
          }
          if (total < 0 || position >= total) {
            return -1;
          }
          // HttpURLConnection ends a body cut short of its Content-Length quietly.
          problem = "the connection closed before the end of the body";
        } catch (SocketTimeoutException e) {
          problem = sentNothing();
        } catch (IOException e) {
          if (!worthRetrying(e)) {
            throw e;
          }
          problem = describe(e);
        }
        release();
        retryOrFail(problem);
        connect();
      }
    }

    private String sentNothing() {
      return "the server sent nothing for " + Units.shortDuration(readLimit);
    }

    @Override
    public void close() {
      closed = true;
      release();
      clock.close();
    }
  }

  private static boolean sameOrigin(URI a, URI b) {
    return String.valueOf(a.getScheme()).equalsIgnoreCase(String.valueOf(b.getScheme()))
        && String.valueOf(a.getHost()).equalsIgnoreCase(String.valueOf(b.getHost()))
        && a.getPort() == b.getPort();
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static String clip(String s) {
    String shown = s.replaceAll("\\p{Cntrl}", "?");
    return shown.length() > 40 ? shown.substring(0, 40) + "..." : shown;
  }
}
