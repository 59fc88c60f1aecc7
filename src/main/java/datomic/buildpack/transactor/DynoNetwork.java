package datomic.buildpack.transactor;

import datomic.buildpack.config.Environment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.Optional;

/**
 * The address peers use to reach this dyno's transactor. In a Private Space, {@code
 * HEROKU_PRIVATE_IP} is what other dynos reach and {@code HEROKU_DNS_DYNO_NAME} names this dyno;
 * elsewhere the first non-loopback address is the best guess.
 */
public record DynoNetwork(String host, String hostSource, Optional<String> altHost,
    String altHostSource, boolean privateSpace) {

  public static DynoNetwork detect(Environment env) {
    Optional<String> privateIp = env.get("HEROKU_PRIVATE_IP");
    String host;
    String hostSource;
    if (env.get("DATOMIC_HOST").isPresent()) {
      host = env.get("DATOMIC_HOST").get();
      hostSource = "config var DATOMIC_HOST";
    } else if (privateIp.isPresent()) {
      host = privateIp.get();
      hostSource = "HEROKU_PRIVATE_IP";
    } else {
      host = firstNonLoopback().orElse("localhost");
      hostSource = "the dyno's first non-loopback address";
    }
    Optional<String> altHost = env.get("DATOMIC_ALT_HOST");
    String altSource = "config var DATOMIC_ALT_HOST";
    if (altHost.isEmpty()) {
      altHost = env.get("HEROKU_DNS_DYNO_NAME");
      altSource = "HEROKU_DNS_DYNO_NAME";
    }
    return new DynoNetwork(host, hostSource, altHost, altSource, privateIp.isPresent());
  }

  static Optional<String> firstNonLoopback() {
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || nic.isLoopback()) {
          continue;
        }
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
          if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
            return Optional.of(address.getHostAddress());
          }
        }
      }
    } catch (SocketException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }
}
