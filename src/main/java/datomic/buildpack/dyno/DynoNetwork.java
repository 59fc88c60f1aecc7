package datomic.buildpack.dyno;

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

  /** The transactor's addresses: {@code DATOMIC_HOST} / {@code DATOMIC_ALT_HOST} override. */
  public static DynoNetwork detect(Environment env) {
    Address address = address(env, "DATOMIC_HOST");
    Optional<String> privateIp = env.get("HEROKU_PRIVATE_IP");
    String host = address.host();
    String hostSource = address.source();
    Optional<String> altHost = env.get("DATOMIC_ALT_HOST");
    String altSource = "config var DATOMIC_ALT_HOST";
    if (altHost.isEmpty()) {
      altHost = env.get("HEROKU_DNS_DYNO_NAME");
      altSource = "HEROKU_DNS_DYNO_NAME";
    }
    return new DynoNetwork(host, hostSource, altHost, altSource, privateIp.isPresent());
  }

  /** An address other dynos reach this one at, and where it came from. */
  public record Address(String host, String source) {}

  /**
   * This dyno's address for other dynos: config var {@code overrideVar} when set, else {@code
   * HEROKU_PRIVATE_IP} (in a Private Space), else the first non-loopback address.
   */
  public static Address address(Environment env, String overrideVar) {
    Optional<String> override = env.get(overrideVar);
    if (override.isPresent()) {
      return new Address(override.get(), "config var " + overrideVar);
    }
    Optional<String> privateIp = env.get("HEROKU_PRIVATE_IP");
    if (privateIp.isPresent()) {
      return new Address(privateIp.get(), "HEROKU_PRIVATE_IP");
    }
    return new Address(firstNonLoopback().orElse("localhost"),
        "the dyno's first non-loopback address");
  }

  /** Whether this dyno is in a Private Space (other dynos can reach it). */
  public static boolean inPrivateSpace(Environment env) {
    return env.get("HEROKU_PRIVATE_IP").isPresent();
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
