package datomic.buildpack.cli;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.dyno.peerserver.PeerOptions;
import datomic.buildpack.storage.PostgresUrl;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Prints the {@code datomic:sql://} URI peers use for a database, e.g. on a one-off dyno, and the
 * JVM options peers in other apps need to share this app's memcached (MemCachier).
 */
@Command(name = "peer-uri",
    description = "Print the datomic:sql:// URI peers use to connect to database DB_NAME.",
    footer = {"  datomic-buildpack peer-uri my-db",
        "  datomic-buildpack peer-uri my-db --uri-only --show-password"})
final class PeerUriCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "DB_NAME", description = "Datomic database name.")
  String dbName;

  @Option(names = {"--show-password", "--show-secrets"},
      description = "Include the real passwords, storage and memcached (otherwise masked).")
  boolean showPassword;

  @Option(names = "--without-password",
      description = "Leave the password out, for a process given PGPASSFILE (as the peer server"
          + " is).")
  boolean withoutPassword;

  @Option(names = "--uri-only", description = "Print the URI alone (for scripts).")
  boolean uriOnly;

  @Override
  public Integer call() {
    ConfigRegistry registry = ConfigRegistry.load();
    Environment env = Environment.system();
    PostgresUrl url = PostgresUrl.fromEnvironment(registry, env);
    System.out.println(withoutPassword ? url.peerUriWithoutPassword(dbName)
        : url.peerUri(dbName, showPassword));
    if (uriOnly) {
      return 0;
    }
    PeerOptions peers = PeerOptions.of(registry, env);
    List<String> cache = peers.otherAppsJvmOptions(showPassword);
    if (!cache.isEmpty()) {
      System.out.println("# Peers sharing this app's memcached ("
          + peers.memcached().orElseThrow().servers().source() + ") also need these JVM options"
          + (showPassword ? "" : " (password masked; --show-password shows it)") + ":");
      System.out.println(String.join(" ", cache));
    }
    return 0;
  }
}
