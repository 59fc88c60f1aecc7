package datomic.buildpack.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/**
 * A loopback port that refuses connections for as long as this is open: a TCP socket bound to it
 * but not listening. Unlike a closed server's port, no other process (a test running alongside)
 * can take it meanwhile.
 */
public final class RefusingPort implements AutoCloseable {
  private final Socket socket = new Socket();

  public RefusingPort() throws IOException {
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  /** An http: URL on this port. */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort() + path);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
