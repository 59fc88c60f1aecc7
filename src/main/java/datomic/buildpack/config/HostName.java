package datomic.buildpack.config;

import datomic.buildpack.output.Echo;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one rule for a host or an address, wherever one is read (the transactor's {@code host} and
 * {@code alt-host}, the peer server's {@code -h}, the ping host, memcached servers, and what the
 * platform sets: {@code HEROKU_PRIVATE_IP}, {@code HEROKU_DNS_DYNO_NAME}): a DNS name (labels of
 * letters, digits and inner hyphens, at most 253 characters), an IPv4 address, or an IPv6
 * address (bare or in brackets). Nothing else: a value starting with {@code -} would be read as
 * an option by the program it is passed to ({@code -h -d}), and a value with any other
 * character is a mistake that would fail later, further from its cause.
 */
public final class HostName {
  public static final String EXPECTATION =
      "a host name (letters, digits, inner '-', labels separated by '.') or an IP address";
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern NUMERIC = Pattern.compile("[0-9.]+");
  private static final Pattern HEX = Pattern.compile("[0-9A-Fa-f]{1,4}");

  private HostName() {}

  /** Why {@code host} is not a host name or IP address, or empty when it is one. */
  public static Optional<String> problem(String host) {
    if (host.isEmpty()) {
      return Optional.of("it is empty; expected " + EXPECTATION);
    }
    if (host.startsWith("-")) {
      return Optional.of("it starts with '-' (a program given it would read an option);"
          + " expected " + EXPECTATION);
    }
    if (host.startsWith("[") || host.indexOf(':') >= 0) {
      String bare = host.startsWith("[") && host.endsWith("]")
          ? host.substring(1, host.length() - 1) : host;
      return isIpv6(bare) ? Optional.empty()
          : Optional.of("it is not a valid IPv6 address; expected " + EXPECTATION);
    }
    if (NUMERIC.matcher(host).matches()) {
      return isIpv4(host) ? Optional.empty()
          : Optional.of("it is not a valid IPv4 address (four numbers from 0 to 255)");
    }
    if (host.length() > 253) {
      return Optional.of("it is longer than 253 characters; expected " + EXPECTATION);
    }
    for (String label : host.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return Optional.of((label.isEmpty() ? "it has an empty label (two dots in a row, or one"
            + " at the start or end)" : "its part " + Echo.value(label) + " is not a DNS label")
            + "; expected " + EXPECTATION);
      }
    }
    return Optional.empty();
  }

  /** Why {@code ip} is not an IPv4 or IPv6 address (no host name), or empty when it is one. */
  public static Optional<String> ipProblem(String ip) {
    Optional<String> problem = problem(ip);
    if (problem.isPresent() || isIpv4(ip) || ip.indexOf(':') >= 0) {
      return problem;
    }
    return Optional.of("it is a host name, not an IP address");
  }

  static boolean isIpv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !NUMERIC.matcher(p).matches() || p.indexOf('.') >= 0
          || Integer.parseInt(p) > 255 || p.length() > 1 && p.startsWith("0")) {
        return false;
      }
    }
    return true;
  }

  /** Eight groups of 1-4 hex digits, one {@code ::} for a run of zero groups, an IPv4 tail. */
  static boolean isIpv6(String s) {
    int compressed = s.indexOf("::");
    if (compressed >= 0 && s.indexOf("::", compressed + 1) >= 0 || s.isEmpty()) {
      return false;
    }
    String[] halves = compressed >= 0
        ? new String[] {s.substring(0, compressed), s.substring(compressed + 2)}
        : new String[] {s};
    int groups = 0;
    for (int h = 0; h < halves.length; h++) {
      if (halves[h].isEmpty()) {
        continue;
      }
      String[] parts = halves[h].split(":", -1);
      for (int i = 0; i < parts.length; i++) {
        boolean last = h == halves.length - 1 && i == parts.length - 1;
        if (last && parts[i].indexOf('.') >= 0) {
          if (!isIpv4(parts[i])) {
            return false;
          }
          groups += 2;
        } else if (HEX.matcher(parts[i]).matches()) {
          groups++;
        } else {
          return false;
        }
      }
    }
    return compressed >= 0 ? groups < 8 : groups == 8;
  }
}
