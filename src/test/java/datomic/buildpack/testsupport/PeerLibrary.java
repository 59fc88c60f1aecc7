package datomic.buildpack.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real Datomic peer library (com.datomic:peer, test scope) in a JVM of its own: the test
 * JVM's classpath (it holds the peer, Clojure and pgjdbc), with the environment a test gives.
 */
public final class PeerLibrary {
  private PeerLibrary() {}

  /** Runs {@code clojure.main -e EXPR} in a new JVM with {@code env} added. */
  public static Run.Result eval(String expression, Map<String, String> env, long timeoutSeconds) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"),
        "clojure.main", "-e", expression));
    return Run.of(command).unset("PGPASSFILE").env(env).timeout(timeoutSeconds).go();
  }
}
