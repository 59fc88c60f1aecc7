package datomic.buildpack.storage;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.testsupport.PeerLibrary;
import datomic.buildpack.testsupport.Run;
import datomic.buildpack.testsupport.SilentPort;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The time limits of the URIs handed to Datomic hold inside Datomic: the real peer library
 * (com.datomic:peer, its own JVM) given a peer URI of a database that accepts connections and
 * never answers gives up, instead of waiting forever (it did, without the driver's time limits).
 */
class DatomicTimeLimitsIT {
  @Test
  void datomicGivenOurPeerUriGivesUpOnADatabaseThatNeverAnswers() throws IOException {
    try (SilentPort silent = new SilentPort()) {
      // Without TLS: this JVM's pgjdbc (42.7) bounds a TLS request by itself (sslResponseTimeout,
      // 5 s), which the distributions' drivers (42.5 and older) do not; what follows it, the
      // startup and login, waits as long as the server does in every version.
      PostgresUrl url = PostgresUrl.parse(silent.postgresUrl("app", "pw-9f3c", "db"),
          "DATABASE_URL").withSslMode("disable");
      long start = System.nanoTime();
      // Run's own limit (150 s) fails the test when Datomic keeps waiting.
      Run.Result r = PeerLibrary.eval("(require '[datomic.api :as d])"
          + "(try (d/connect \"" + url.peerUri("orders", true) + "\") (println \"CONNECTED\")"
          + " (catch Throwable t (loop [e t] (when e (println \"CAUSE:\" (.getName (class e))"
          + " (.getMessage e)) (recur (.getCause e))))))"
          + "(System/exit 0)", Map.of(), 150);
      long seconds = (System.nanoTime() - start) / 1_000_000_000;
      assertTrue(r.stdout().contains("CAUSE:"), r.toString());
      assertFalse(r.stdout().contains("CONNECTED"), r.toString());
      assertTrue(r.stdout().contains("timed out"), r.stdout());
      assertTrue(silent.connections() >= 1, "Datomic did connect: " + silent.connections());
      System.out.println("Datomic gave up after " + seconds + " s (JVM start included), "
          + silent.connections() + " connections");
    }
  }
}
