package datomic.buildpack.local;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves files on 127.0.0.1, as a stand-in for Datomic's download site in local runs: each at
 * its path, anything else 404 (as the real site answers for a version it does not have).
 */
public final class LoopbackServer implements AutoCloseable {
  private final HttpServer server;
  private final String path;
  private final AtomicInteger requests;

  private LoopbackServer(HttpServer server, String path,
      AtomicInteger requests) {
    this.server = server;
    this.path = path;
    this.requests = requests;
  }

  public static LoopbackServer serve(String path, Path file) {
    return serve(java.util.Map.of(path, file), path);
  }

  /** Serves each file of {@code files} at its path; {@link #url()} is {@code main}'s. */
  public static LoopbackServer serve(java.util.Map<String, Path> files, String main) {
    try {
      HttpServer server = HttpServer.create(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      AtomicInteger requests =
          new AtomicInteger();
      server.createContext("/", exchange -> {
        requests.incrementAndGet();
        try (exchange) {
          Path file = files.get(exchange.getRequestURI().getPath());
          if (file == null) {
            exchange.sendResponseHeaders(404, -1);
            return;
          }
          exchange.getResponseHeaders().set("Content-Type", "application/zip");
          exchange.sendResponseHeaders(200, Files.size(file));
          try (OutputStream out = exchange.getResponseBody()) {
            Files.copy(file, out);
          }
        }
      });
      server.start();
      return new LoopbackServer(server, main, requests);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url() {
    return base() + path;
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** How many requests the server has answered. */
  public int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
