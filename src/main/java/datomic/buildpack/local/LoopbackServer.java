package datomic.buildpack.local;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** Serves one file on 127.0.0.1, as a stand-in for Datomic's download site in local runs. */
public final class LoopbackServer implements AutoCloseable {
  private final HttpServer server;
  private final String path;

  private LoopbackServer(HttpServer server, String path) {
    this.server = server;
    this.path = path;
  }

  public static LoopbackServer serve(String path, Path file) {
    try {
      HttpServer server = HttpServer.create(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", exchange -> {
        try (exchange) {
          if (!exchange.getRequestURI().getPath().equals(path)) {
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
      return new LoopbackServer(server, path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
