import com.sun.net.httpserver.HttpServer;
import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.compile.distribution.DistributionInstaller;
import datomic.buildpack.compile.distribution.InstalledDistribution;
import datomic.buildpack.local.FakeDistribution;
import datomic.buildpack.output.Log;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * Benchmark helper (compiled by bench/run against the shaded jar).
 *
 * <pre>
 *   make-zip OUT.zip JARS BYTES SEED   a synthetic datomic-pro-1.0.7622.zip (FakeDistribution)
 *   serve PORTFILE DIR BYTES_PER_SEC   loopback server: /fast/NAME and /slow/NAME (throttled)
 *   install CACHE_DIR TARGET URL       DistributionInstaller.install, as bin/compile calls it
 *   noop                               JVM start-up only (for the baseline)
 * </pre>
 */
public final class BenchMain {
  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "make-zip" -> {
        Path out = Path.of(args[1]);
        Files.createDirectories(out.getParent());
        FakeDistribution.from(Path.of(args[5])).jars(Integer.parseInt(args[2]),
            Integer.parseInt(args[3])).seed(Long.parseLong(args[4])).writeTo(out);
      }
      case "serve" -> serve(Path.of(args[1]), Path.of(args[2]), Long.parseLong(args[3]));
      case "install" -> {
        InstalledDistribution d = new DistributionInstaller(ConfigRegistry.load(),
            Environment.of(Map.of("DATOMIC_DOWNLOAD_URL", args[3])), Log.system())
            .install(Path.of(args[1]), Path.of(args[2]));
        System.out.println("installed " + d.version() + " " + d.sizeBytes());
      }
      case "noop" -> System.out.println("noop");
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  private static void serve(Path portFile, Path dir, long rate) throws Exception {
    HttpServer server = HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      boolean slow = path.startsWith("/slow/");
      Path file = dir.resolve(path.substring(path.lastIndexOf('/') + 1));
      if (!Files.isRegularFile(file)) {
        exchange.sendResponseHeaders(404, -1);
        exchange.close();
        return;
      }
      long size = Files.size(file);
      exchange.sendResponseHeaders(200, size);
      byte[] buf = new byte[64 * 1024];
      long start = System.nanoTime();
      long sent = 0;
      try (InputStream in = Files.newInputStream(file); OutputStream out = exchange.getResponseBody()) {
        for (int n; (n = in.read(buf)) > 0; ) {
          out.write(buf, 0, n);
          sent += n;
          if (slow) {
            long ahead = (long) (sent * 1e9 / rate) - (System.nanoTime() - start);
            if (ahead > 0) {
              Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
            }
          }
        }
      } catch (Exception e) {
        // client went away
      }
      exchange.close();
    });
    server.start();
    Path tmp = Files.createTempFile(portFile.getParent(), "port", ".tmp");
    Files.writeString(tmp, Integer.toString(server.getAddress().getPort()));
    Files.move(tmp, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Thread.currentThread().join();
  }
}
