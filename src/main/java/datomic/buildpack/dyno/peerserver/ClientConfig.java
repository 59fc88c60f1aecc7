package datomic.buildpack.dyno.peerserver;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.dyno.DynoNetwork;
import datomic.buildpack.files.Edn;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.Secrets;
import java.util.List;

/**
 * What a Client API app needs to reach this app's peer server: Datomic's client config map
 * ({@code :server-type :peer-server}, {@code :endpoint}, {@code :access-key}, {@code :secret},
 * {@code :validate-hostnames false}) and the database names, as EDN and as env-style lines.
 * The endpoint is one peer server dyno's Private Space DNS name: iterating a result must keep
 * talking to the same dyno, so a client connection is pinned to one.
 */
public final class ClientConfig {
  private final String endpointHost;
  private final String port;
  private final PeerServerConfig.AccessKey key;
  private final List<String> databases;

  private ClientConfig(String endpointHost, String port, PeerServerConfig.AccessKey key,
      List<String> databases) {
    this.endpointHost = endpointHost;
    this.port = port;
    this.key = key;
    this.databases = databases;
  }

  /** Reads the same config vars the peer server boots with (and refuses the same mistakes). */
  public static ClientConfig read(ConfigRegistry registry, Environment env, Log log) {
    PeerServerConfig.AccessKey key = PeerServerConfig.currentKey(env);
    List<String> databases = PeerServerConfig.databases(env);
    String port = registry.value(env, PeerServerConfig.PORT).orElseThrow();
    String app = DynoNetwork.dnsAppName(env).orElse(null);
    if (app == null) {
      app = DynoNetwork.dnsAppNameOf(DynoNetwork.appName(env).orElse("<app>"));
      log.warning("HEROKU_DNS_APP_NAME is not set: this dyno is not in a Private Space.",
          "The endpoint below follows the Private Space naming (<n>.<process>.<app>"
              + ".app.localspace);",
          "Client API apps reach a peer server only dyno to dyno, inside a Private Space.");
    }
    return new ClientConfig("1." + PeerServerConfig.PEER_SERVER_PROCESS + "." + app, port, key,
        databases);
  }

  /** The endpoint {@code host:port} of peer server dyno 1. */
  public String endpoint() {
    return endpointHost + ":" + port;
  }

  public String render(boolean showSecret) {
    String secret = showSecret ? key.secret() : Secrets.MASK;
    StringBuilder out = new StringBuilder();
    out.append(";; Client API config for this app's peer server (com.datomic/client-pro):\n");
    out.append(";; (d/client CONFIG), then (d/connect client {:db-name NAME}).\n");
    out.append("{:server-type :peer-server\n");
    out.append(" :endpoint ").append(Edn.write(endpoint())).append('\n');
    out.append(" :access-key ").append(Edn.write(key.key())).append('\n');
    out.append(" :secret ").append(Edn.write(secret)).append('\n');
    out.append(" :validate-hostnames false}\n");
    out.append(";; :db-name, one per database it serves:\n");
    for (String db : databases) {
      out.append(":db-name ").append(Edn.write(db)).append('\n');
    }
    out.append(";; That is peer server dyno 1; dyno N is N").append(endpointHost.substring(1))
        .append(". A connection talks to one dyno:\n");
    out.append(";; iterating a result must stay on the dyno that began it (no load balancer).\n");
    out.append(";; :validate-hostnames false: the peer server's certificate is Datomic's"
        + " built-in self-signed one.\n");
    out.append('\n');
    out.append("# The same as config vars for a Client API app:\n");
    out.append("DATOMIC_CLIENT_SERVER_TYPE=peer-server\n");
    out.append("DATOMIC_CLIENT_ENDPOINT=").append(endpoint()).append('\n');
    out.append("DATOMIC_CLIENT_ACCESS_KEY=").append(key.key()).append('\n');
    out.append("DATOMIC_CLIENT_SECRET=").append(secret).append('\n');
    out.append("DATOMIC_CLIENT_VALIDATE_HOSTNAMES=false\n");
    out.append("DATOMIC_CLIENT_DB_NAMES=").append(String.join(",", databases)).append('\n');
    if (!showSecret) {
      out.append("# The secret is masked; add --show-secret to print it.\n");
    }
    return out.toString();
  }
}
