package datomic.buildpack.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback port that accepts TCP connections and never answers: what a database behind a
 * broken proxy, or a host that is up but hung, looks like to a client. Every accepted connection
 * stays open (nothing is read or written) until this is closed, so a client without a read
 * timeout waits forever. Counts the connections it accepted.
 */
public final class SilentPort implements AutoCloseable {
  private final ServerSocket server;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();

  public SilentPort() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          accepted.add(server.accept());
          connections.incrementAndGet();
        } catch (IOException e) {
          return;
        }
      }
    }, "silent-port-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** A Postgres URL for this port ({@code postgres://USER:PASSWORD@127.0.0.1:PORT/DB}). */
  public String postgresUrl(String user, String password, String database) {
    return "postgres://" + user + ":" + password + "@127.0.0.1:" + port() + "/" + database;
  }

  /** How many connections were accepted so far. */
  public int connections() {
    return connections.get();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : accepted) {
      s.close();
    }
  }
}
