import datomic.buildpack.local.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Helper of bench/boot (compiled against the shaded jar and the local tools' jar).
 *
 * <pre>
 *   postgres URLFILE   a throwaway TLS PostgreSQL (as the tests start it) and one database;
 *                      writes its postgres:// URL to URLFILE, then runs until killed
 *   noop               JVM start-up only (the baseline)
 * </pre>
 */
public final class BootBench {
  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "postgres" -> {
        PostgresServer server = PostgresServer.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        PostgresServer.Database db = server.newDatabase();
        Path file = Path.of(args[1]);
        Path tmp = Files.createTempFile(file.getParent(), "url", ".tmp");
        Files.writeString(tmp, db.url() + (server.ssl() ? "?sslmode=require" : ""));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        Thread.currentThread().join();
      }
      case "noop" -> System.out.println("noop");
      default -> throw new IllegalArgumentException(args[0]);
    }
  }
}
