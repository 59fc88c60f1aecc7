package datomic.buildpack.storage;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The PostgreSQL driver (pgjdbc) parameters a database URL may carry: an allow-list of parameters
 * known to be safe (timeouts, names, TLS certificate files, statement tuning), each with the
 * values it takes. Everything else is refused by name: parameters that make the driver load a
 * class, write a file, weaken or bypass TLS, or connect somewhere other than the URL's host and
 * database, and any parameter this list does not know. {@code sslmode} is not here: it follows
 * {@code DATOMIC_SQL_SSLMODE}'s rules (see {@link PostgresUrl#sslMode()}).
 */
final class DriverParameters {
  private enum Kind {
    WHOLE_NUMBER("-?[0-9]{1,9}", "which is not a whole number"),
    TRUE_FALSE("true|false", "which is not true or false"),
    TEXT(".{0,256}", "which is longer than 256 characters"),
    FILE("[^\\u0000]{1,1024}", "which is not a file path");

    private final String regex;
    private final String problem;

    Kind(String regex, String problem) {
      this.regex = regex;
      this.problem = problem;
    }
  }

  private static final Map<String, Kind> ALLOWED = new LinkedHashMap<>();
  /** channelBinding protects a TLS session against a man in the middle: never turned off. */
  private static final List<String> CHANNEL_BINDING = List.of("prefer", "require");

  static {
    ALLOWED.put("sslrootcert", Kind.FILE);
    ALLOWED.put("sslcert", Kind.FILE);
    ALLOWED.put("sslkey", Kind.FILE);
    ALLOWED.put("channelBinding", Kind.TEXT);
    ALLOWED.put("ApplicationName", Kind.TEXT);
    ALLOWED.put("currentSchema", Kind.TEXT);
    ALLOWED.put("connectTimeout", Kind.WHOLE_NUMBER);
    ALLOWED.put("loginTimeout", Kind.WHOLE_NUMBER);
    ALLOWED.put("socketTimeout", Kind.WHOLE_NUMBER);
    ALLOWED.put("cancelSignalTimeout", Kind.WHOLE_NUMBER);
    ALLOWED.put("tcpKeepAlive", Kind.TRUE_FALSE);
    ALLOWED.put("tcpNoDelay", Kind.TRUE_FALSE);
    ALLOWED.put("prepareThreshold", Kind.WHOLE_NUMBER);
    ALLOWED.put("preparedStatementCacheQueries", Kind.WHOLE_NUMBER);
    ALLOWED.put("preparedStatementCacheSizeMiB", Kind.WHOLE_NUMBER);
    ALLOWED.put("defaultRowFetchSize", Kind.WHOLE_NUMBER);
    ALLOWED.put("binaryTransfer", Kind.TRUE_FALSE);
    ALLOWED.put("reWriteBatchedInserts", Kind.TRUE_FALSE);
  }

  /** Known parameters refused, and why (the message says it; an unknown one gets a generic why). */
  private static final Map<String, String> REFUSED = new LinkedHashMap<>();

  static {
    for (String p : List.of("socketFactory", "socketFactoryArg", "sslfactory", "sslfactoryarg",
        "sslhostnameverifier", "sslpasswordcallback", "authenticationPluginClassName",
        "xmlFactoryFactory", "connectExecutor", "connectExecutorArg", "classLoaderStrategy")) {
      REFUSED.put(p, "loads a Java class into the driver (or configures one it would load)");
    }
    REFUSED.put("loggerFile", "writes a file (the driver's log)");
    REFUSED.put("loggerLevel", "writes a log of the connection (to a file, with loggerFile)");
    for (String p : List.of("PGHOST", "PGPORT", "PGDBNAME", "host", "port", "dbname",
        "targetServerType", "loadBalanceHosts", "localSocketAddress")) {
      REFUSED.put(p, "would change the host, port or database the URL names");
    }
    for (String p : List.of("gssEncMode", "gsslib", "sslNegotiation", "sslResponseTimeout",
        "gssResponseTimeout", "requireAuth", "jaasLogin", "jaasApplicationName",
        "kerberosServerName", "useSpnego", "sspiServiceClass", "gssUseDefaultCreds")) {
      REFUSED.put(p, "changes how TLS or authentication is negotiated");
    }
    REFUSED.put("ssl", "is the driver's old TLS switch; sslmode (or " + PostgresUrl.SSLMODE_SETTING
        + ") decides TLS here");
    REFUSED.put("sslpassword", "is a secret (the client key's password) the buildpack does not"
        + " take from a URL");
  }

  private DriverParameters() {}

  /** The parameters passed on to the driver (besides sslmode), in the order documented. */
  static Set<String> allowed() {
    return ALLOWED.keySet();
  }

  /**
   * Why parameter {@code name} with {@code value} is refused, as the end of a sentence starting
   * "its parameter NAME"; empty when the driver may have it.
   */
  static Optional<String> problem(String name, String value) {
    Kind kind = ALLOWED.get(name);
    if (kind != null) {
      if (name.equals("channelBinding") && !CHANNEL_BINDING.contains(value)) {
        return Optional.of("has the value '" + PostgresUrlParser.visible(value) + "', which would"
            + " weaken TLS (channel binding guards against a man in the middle); it takes "
            + String.join(" or ", CHANNEL_BINDING));
      }
      return value.matches(kind.regex) ? Optional.empty()
          : Optional.of("has the value '" + PostgresUrlParser.visible(value) + "', "
              + kind.problem);
    }
    String why = REFUSED.get(name);
    if (why != null) {
      return Optional.of(why);
    }
    String known = Stream.concat(Stream.of("sslmode"), Stream.concat(
            ALLOWED.keySet().stream(), REFUSED.keySet().stream()))
        .filter(k -> k.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)))
        .findFirst().map(k -> " (did you mean " + k + "? names are case-sensitive)").orElse("");
    return Optional.of("is not one the buildpack passes to the PostgreSQL driver" + known);
  }
}
