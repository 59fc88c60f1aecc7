package datomic.buildpack.distribution;

import datomic.buildpack.distribution.DownloadException.Kind;
import datomic.buildpack.files.Streams;
import datomic.buildpack.output.BuildLog;
import datomic.buildpack.output.Secrets;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fetches a zip over HTTP(S) with the JDK's client, or reads a {@code file:} URL. HTTP downloads
 * have a connect timeout, a read timeout (for the headers and for every piece of the body), and a
 * bounded number of tries with backoff for 5xx, 408/429, resets, stalls and truncation. A body
 * that breaks off is resumed where it stopped (with {@code Range}, else by skipping what was
 * already read), so the caller sees one unbroken stream. 401, 403 and 404 are never retried.
 * Redirects are followed by hand: never from https to http, and credentials only go to the host
 * they were meant for.
 */
public final class Downloader implements AutoCloseable {
  private static final int MAX_REDIRECTS = 5;
  private static final String USER_AGENT = "heroku-buildpack-datomic";
  private static final String BUFSIZE_PROPERTY = "jdk.httpclient.bufsize";

  private final DownloadPolicy policy;
  private final BuildLog log;
  private HttpClient client;
  private final List<Thread> clientThreads = new ArrayList<>();

  public Downloader(DownloadPolicy policy, BuildLog log) {
    this.policy = policy;
    this.log = log;
  }

  /**
   * The HTTP client, created on first use: building one costs 0.2-0.4 s of class loading and TLS
   * set-up, which a build served from the cache (or a {@code file:} URL) never needs.
   */
  private synchronized HttpClient client() {
    if (client == null) {
      // The client reads the socket 16 KB at a time by default and hands every piece to the
      // reading thread; 256 KB pieces cut the hand-offs 16-fold (loopback: 150 -> 250+ MB/s).
      // Read once, when the client's classes load; a value set on the command line wins.
      if (System.getProperty(BUFSIZE_PROPERTY) == null) {
        System.setProperty(BUFSIZE_PROPERTY, Integer.toString(256 * 1024));
      }
      Set<Thread> before = selectorThreads();
      client = HttpClient.newBuilder()
          .connectTimeout(policy.connectTimeout())
          .followRedirects(HttpClient.Redirect.NEVER)
          .version(HttpClient.Version.HTTP_1_1)
          .build();
      Set<Thread> after = selectorThreads();
      after.removeAll(before);
      clientThreads.addAll(after);
    }
    return client;
  }

  /**
   * Lets the client's selector thread end. JDK 17's {@link HttpClient} has no {@code close()}
   * (JDK 21 has); its selector thread waits in {@code epoll_wait}, native code, and the JVM waits
   * up to 300 ms at exit for threads in native code. Interrupting the thread ends its loop. Call
   * when no download of this downloader is open any more; best effort.
   */
  @Override
  public synchronized void close() {
    client = null;
    for (Thread t : clientThreads) {
      try {
        t.interrupt();
      } catch (SecurityException ignored) {
        // not ours to stop: the JVM just exits a little later
      }
    }
    clientThreads.clear();
  }

  private static Set<Thread> selectorThreads() {
    ThreadGroup group = Thread.currentThread().getThreadGroup();
    while (group.getParent() != null) {
      group = group.getParent();
    }
    Thread[] threads = new Thread[group.activeCount() + 16];
    int n = group.enumerate(threads, true);
    Set<Thread> found = new HashSet<>();
    for (int i = 0; i < n; i++) {
      if (threads[i].getName().startsWith("HttpClient-")
          && threads[i].getName().endsWith("-SelectorManager")) {
        found.add(threads[i]);
      }
    }
    return found;
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
    download.connect();
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
    InputStream in;
    long size;
    try {
      size = Files.size(path);
      in = Files.newInputStream(path);
    } catch (NoSuchFileException e) {
      throw new DownloadException(Kind.NO_FILE, "there is no file at " + path);
    } catch (IOException e) {
      throw new DownloadException(Kind.NO_FILE, "cannot read " + path + ": " + describe(e));
    }
    if (size > policy.maxDownloadBytes()) {
      in.close();
      throw new DownloadException(Kind.TOO_LARGE, path + " is " + size
          + " bytes, more than the " + policy.maxDownloadBytes() + " a Datomic zip may have");
    }
    return new Download() {
      @Override
      public int read() throws IOException {
        return in.read();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return in.read(b, off, len);
      }

      @Override
      public void close() throws IOException {
        in.close();
      }

      @Override
      public long length() {
        return size;
      }

      @Override
      public boolean isNetwork() {
        return false;
      }
    };
  }

  /** A URL fit for a build log: no password, no query (signed URLs carry tokens there). */
  static String display(URI uri) {
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
    if (e instanceof HttpConnectTimeoutException) {
      return "the connection timed out";
    }
    if (e instanceof HttpTimeoutException) {
      return "the server stopped sending data (read timeout)";
    }
    if (e instanceof ConnectException) {
      return "the connection was refused";
    }
    if (e instanceof EOFException) {
      return "the connection closed early";
    }
    String message = e.getMessage();
    if (message != null && message.toLowerCase(Locale.ROOT).contains("content-length")) {
      return "the connection closed before the end of the body";
    }
    if (message == null || message.isBlank()) {
      message = e.getClass().getSimpleName();
    }
    return Secrets.maskUrls(message);
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }

  private static String seconds(Duration d) {
    return d.toMillis() < 1000 ? d.toMillis() + " ms"
        : String.format(Locale.ROOT, "%.0f s", d.toMillis() / 1000.0);
  }

  private void pause(Duration d) throws InterruptedIOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to retry");
    }
  }

  /** An HTTP download that retries, resumes and times out as the policy says. */
  private final class HttpDownload extends Download {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private final URI origin;
    private final Credentials credentials;
    private TimedBody body;
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
        String problem;
        try {
          problem = tryConnect();
          if (problem == null) {
            return;
          }
        } catch (DownloadException e) {
          throw e;
        } catch (InterruptedIOException e) {
          throw e;
        } catch (IOException e) {
          problem = describe(e);
        }
        retryOrFail(problem);
      }
    }

    private void retryOrFail(String problem) throws IOException {
      String at = position > 0 ? " after " + mb(position) : "";
      if (tries >= policy.attempts()) {
        throw new DownloadException(Kind.NETWORK, "downloading " + display(origin) + " failed"
            + at + ": " + problem + " (tried " + tries + (tries == 1 ? " time)" : " times)"));
      }
      Duration wait = policy.backoffBefore(tries + 1);
      log.detail(capitalize(problem) + at + "; retrying in " + seconds(wait) + " (attempt "
          + (tries + 1) + " of " + policy.attempts() + ")");
      pause(wait);
    }

    /** One try; null when the body is open, else why it is worth another try. */
    private String tryConnect() throws IOException {
      URI uri = origin;
      for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
            .timeout(policy.readTimeout())
            .header("User-Agent", USER_AGENT)
            .GET();
        if (position > 0) {
          request.header("Range", "bytes=" + position + "-");
          if (validator != null) {
            request.header("If-Range", validator);
          }
        }
        if (credentials != null && sameOrigin(uri, origin)) {
          request.header("Authorization", credentials.basicHeader());
        }
        TimedBody timed = new TimedBody(policy.readTimeout());
        HttpResponse<InputStream> response;
        try {
          response = client().send(request.build(), info -> timed);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while downloading");
        }
        int status = response.statusCode();
        if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
          timed.close();
          uri = redirect(uri, response);
          continue;
        }
        if (status == 200 || status == 206) {
          return accept(timed, response, status);
        }
        timed.close();
        switch (status) {
          case 401 -> throw new DownloadException(Kind.UNAUTHORIZED, status,
              display(origin) + " answered 401 Unauthorized");
          case 403 -> throw new DownloadException(Kind.FORBIDDEN, status,
              display(origin) + " answered 403 Forbidden");
          case 404, 410 -> throw new DownloadException(Kind.NOT_FOUND, status,
              display(origin) + " answered " + status + " Not Found");
          default -> {
            if (status == 408 || status == 429 || status >= 500) {
              return "the server answered HTTP " + status;
            }
            throw new DownloadException(Kind.HTTP_STATUS, status,
                display(origin) + " answered HTTP " + status);
          }
        }
      }
      throw new DownloadException(Kind.HTTP_STATUS,
          display(origin) + " redirected more than " + MAX_REDIRECTS + " times");
    }

    private URI redirect(URI from, HttpResponse<?> response) throws IOException {
      String location = response.headers().firstValue("Location").orElseThrow(
          () -> new DownloadException(Kind.HTTP_STATUS, response.statusCode(),
              display(from) + " redirected without a Location"));
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
      log.detail("Redirected to " + next.getScheme() + "://" + next.getHost()
          + (next.getPort() < 0 ? "" : ":" + next.getPort()));
      return next;
    }

    private String accept(TimedBody timed, HttpResponse<InputStream> response, int status)
        throws IOException {
      long contentLength = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (position == 0) {
        if (status == 206) {
          timed.close();
          return "the server answered 206 to a request without Range";
        }
        total = contentLength;
        if (total > policy.maxDownloadBytes()) {
          timed.close();
          throw new DownloadException(Kind.TOO_LARGE, display(origin) + " is " + mb(total)
              + ", more than the " + mb(policy.maxDownloadBytes()) + " a Datomic zip may have");
        }
        validator = validatorOf(response);
        body = timed;
        return null;
      }
      // Resuming after `position` bytes.
      if (status == 206) {
        Matcher m = CONTENT_RANGE.matcher(
            response.headers().firstValue("Content-Range").orElse(""));
        if (!m.matches() || Long.parseLong(m.group(1)) != position
            || total >= 0 && !m.group(3).equals("*") && Long.parseLong(m.group(3)) != total) {
          timed.close();
          throw new DownloadException(Kind.CHANGED, display(origin)
              + " answered a resumed download with a range that does not fit");
        }
        body = timed;
        return null;
      }
      // 200: the whole file again; skip what was already read.
      if (total >= 0 && contentLength >= 0 && contentLength != total) {
        timed.close();
        throw new DownloadException(Kind.CHANGED, "the file at " + display(origin)
            + " changed size during the download");
      }
      String newValidator = validatorOf(response);
      if (validator != null && newValidator != null && !validator.equals(newValidator)) {
        timed.close();
        throw new DownloadException(Kind.CHANGED, "the file at " + display(origin)
            + " changed during the download");
      }
      try {
        long skipped = 0;
        byte[] scratch = new byte[64 * 1024];
        while (skipped < position) {
          int n = timed.read(scratch, 0, (int) Math.min(scratch.length, position - skipped));
          if (n < 0) {
            timed.close();
            return "the connection closed early";
          }
          skipped += n;
        }
      } catch (IOException e) {
        timed.close();
        throw e;
      }
      body = timed;
      return null;
    }

    private String validatorOf(HttpResponse<?> response) {
      Optional<String> etag = response.headers().firstValue("ETag").filter(e -> !e.startsWith("W/"));
      return etag.or(() -> response.headers().firstValue("Last-Modified")).orElse(null);
    }

    @Override
    public int read() throws IOException {
      return Streams.readOne(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (closed) {
        throw new IOException("download closed");
      }
      if (len == 0) {
        return 0;
      }
      while (true) {
        String problem;
        try {
          int n = body.read(b, off, len);
          if (n > 0) {
            position += n;
            if (position > policy.maxDownloadBytes()) {
              throw new DownloadException(Kind.TOO_LARGE, display(origin) + " sent more than "
                  + mb(policy.maxDownloadBytes()) + ", more than a Datomic zip may have");
            }
            return n;
          }
          if (total < 0 || position >= total) {
            return -1;
          }
          problem = "the connection closed after " + mb(position) + " of " + mb(total);
        } catch (DownloadException | InterruptedIOException e) {
          throw e;
        } catch (IOException e) {
          problem = describe(e);
        }
        body.close();
        retryOrFail(problem);
        connect();
      }
    }

    @Override
    public void close() {
      closed = true;
      if (body != null) {
        body.close();
      }
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

  /**
   * A response body read as a stream, with a timeout on every wait for data (the JDK client's own
   * request timeout stops at the headers). At most a few buffers are held at once.
   */
  static final class TimedBody extends InputStream
      implements HttpResponse.BodySubscriber<InputStream> {
    private static final int PREFETCH = 16;
    private static final Object END = new Object();
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Duration timeout;
    private final CompletableFuture<InputStream> self = CompletableFuture.completedFuture(this);
    private volatile Flow.Subscription subscription;
    private volatile boolean cancelled;
    private Iterator<ByteBuffer> buffers;
    private ByteBuffer buffer;
    private boolean done;

    TimedBody(Duration timeout) {
      this.timeout = timeout;
    }

    @Override
    public CompletionStage<InputStream> getBody() {
      return self;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (cancelled) {
        s.cancel();
      } else {
        s.request(PREFETCH);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      queue.offer(item);
    }

    @Override
    public void onError(Throwable t) {
      queue.offer(t);
    }

    @Override
    public void onComplete() {
      queue.offer(END);
    }

    @Override
    public int read() throws IOException {
      return Streams.readOne(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      while (buffer == null || !buffer.hasRemaining()) {
        if (buffers != null && buffers.hasNext()) {
          buffer = buffers.next();
          continue;
        }
        if (done) {
          return -1;
        }
        if (buffers != null) {
          buffers = null;
          subscription.request(1);
        }
        Object item;
        try {
          item = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          close();
          throw new InterruptedIOException("interrupted while downloading");
        }
        if (item == null) {
          close();
          throw new HttpTimeoutException("no data for " + seconds(timeout));
        }
        if (item == END) {
          done = true;
          return -1;
        }
        if (item instanceof Throwable t) {
          done = true;
          throw t instanceof IOException io ? io : new IOException(describe(t), t);
        }
        @SuppressWarnings("unchecked")
        List<ByteBuffer> list = (List<ByteBuffer>) item;
        buffers = list.iterator();
      }
      int n = Math.min(len, buffer.remaining());
      buffer.get(b, off, n);
      return n;
    }

    @Override
    public void close() {
      cancelled = true;
      done = true;
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
      queue.clear();
    }
  }
}
