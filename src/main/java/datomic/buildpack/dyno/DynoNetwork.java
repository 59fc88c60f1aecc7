package datomic.buildpack.dyno;

import datomic.buildpack.config.Environment;
import datomic.buildpack.config.HostName;
import datomic.buildpack.output.Echo;
import datomic.buildpack.output.UserError;
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
  /** Set by Heroku in a Private Space: the address other dynos reach this one at. */
  public static final String PRIVATE_IP = "HEROKU_PRIVATE_IP";
  /** Set by Heroku in a Private Space: this app's DNS name, {@code <app>.app.localspace}. */
  public static final String DNS_APP_NAME = "HEROKU_DNS_APP_NAME";
  /** Set by Heroku's dyno metadata (labs:enable runtime-dyno-metadata): the app's name. */
  public static final String APP_NAME = "HEROKU_APP_NAME";
  /** What follows the app's name in {@link #DNS_APP_NAME}. */
  static final String SPACE_DOMAIN = ".app.localspace";
  /** Set by Heroku in a Private Space: this dyno's DNS name. */
  public static final String DNS_DYNO_NAME = "HEROKU_DNS_DYNO_NAME";

  /** The transactor's addresses: {@code DATOMIC_HOST} / {@code DATOMIC_ALT_HOST} override. */
  public static DynoNetwork detect(Environment env) {
    Address address = address(env, "DATOMIC_HOST");
    Optional<String> privateIp = env.get(PRIVATE_IP);
    String host = address.host();
    String hostSource = address.source();
    Optional<String> altHost = env.get("DATOMIC_ALT_HOST");
    String altSource = "config var DATOMIC_ALT_HOST";
    if (altHost.isEmpty()) {
      altHost = env.get(DNS_DYNO_NAME).map(name -> platformValue(DNS_DYNO_NAME, name,
          HostName.problem(name), "DATOMIC_ALT_HOST"));
      altSource = DNS_DYNO_NAME;
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
      // The registry checked it (type host); checked again for a caller that did not validate.
      HostName.problem(override.get()).ifPresent(problem -> {
        throw new UserError("Config var " + overrideVar + " is not usable: " + problem + ".",
            "Its value: " + Echo.value(override.get()),
            "Fix it: heroku config:set " + overrideVar + "=<host name or IP address>, or unset"
                + " it to use " + PRIVATE_IP + ".");
      });
      return new Address(override.get(), "config var " + overrideVar);
    }
    Optional<String> privateIp = env.get(PRIVATE_IP);
    if (privateIp.isPresent()) {
      return new Address(platformValue(PRIVATE_IP, privateIp.get(),
          HostName.ipProblem(privateIp.get()), overrideVar), PRIVATE_IP);
    }
    return new Address(firstNonLoopback().orElse("localhost"),
        "the dyno's first non-loopback address");
  }

  /**
   * {@code value} of the platform's variable {@code name}, or a refusal when it breaks the host
   * rule ({@link HostName}): it is passed to Datomic as an address, and the config var
   * {@code overrideVar} sets the address instead.
   */
  private static String platformValue(String name, String value, Optional<String> problem,
      String overrideVar) {
    return platformValue(name, value, problem, "this dyno's address",
        "Or set the address yourself: heroku config:set " + overrideVar + "=<address>");
  }

  private static String platformValue(String name, String value, Optional<String> problem,
      String usedAs, String instead) {
    problem.ifPresent(p -> {
      throw new UserError(name + " is not usable as " + usedAs + ": " + p + ".",
          "Its value: " + Echo.value(value) + ". Heroku sets it in a Private Space; in a local"
              + " run, unset it or fix it.",
          instead);
    });
    return value;
  }

  /**
   * This app's name: {@code HEROKU_APP_NAME} (dyno metadata), else the app part of
   * {@code HEROKU_DNS_APP_NAME} ({@code <app>.app.localspace}); empty when neither says it.
   */
  public static Optional<String> appName(Environment env) {
    Optional<String> metadata = env.get(APP_NAME);
    if (metadata.isPresent()) {
      return metadata;
    }
    return dnsAppName(env).filter(dns -> dns.endsWith(SPACE_DOMAIN)
            && dns.length() > SPACE_DOMAIN.length())
        .map(dns -> dns.substring(0, dns.length() - SPACE_DOMAIN.length()));
  }

  /**
   * This app's Private Space DNS name, below which its dynos are {@code <n>.<process>.<it>}:
   * {@code HEROKU_DNS_APP_NAME} (already {@code <app>.app.localspace}); empty outside a Private
   * Space. The one reading of that variable ({@link #appName} takes the app from it).
   */
  public static Optional<String> dnsAppName(Environment env) {
    return env.get(DNS_APP_NAME).map(name -> platformValue(DNS_APP_NAME, name,
        HostName.problem(name), "this app's DNS name",
        "Expected <app>" + SPACE_DOMAIN + ", the name below which this app's dynos are found."));
  }

  /** The DNS name {@link #dnsAppName} would be for {@code app}. */
  public static String dnsAppNameOf(String app) {
    return app + SPACE_DOMAIN;
  }

  /** Whether this dyno is in a Private Space (other dynos can reach it). */
  public static boolean inPrivateSpace(Environment env) {
    return env.get(PRIVATE_IP).isPresent();
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
