package datomic.buildpack.storage;

import datomic.buildpack.output.Secrets;
import datomic.buildpack.output.UserError;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Renders a parsed {@link PostgresUrl} as the strings other programs read: the JDBC URL (for
 * {@code sql-url} and our own connection), the peers' {@code datomic:sql://} URI and the masked
 * URL for messages.
 */
final class ConnectionStrings {
  private static final Pattern DATOMIC_DB_NAME = Pattern.compile("[A-Za-z0-9-]+");

  private ConnectionStrings() {}

  /**
   * {@code jdbc:postgresql://host:port/db?sslmode=<mode>&<other params>}, without credentials.
   */
  static String jdbcUrl(PostgresUrl url) {
    StringBuilder b = new StringBuilder("jdbc:postgresql://").append(url.host()).append(':')
        .append(url.port()).append('/').append(encode(url.database())).append("?sslmode=")
        .append(url.sslMode());
    url.params().forEach((k, v) -> {
      if (!k.equals("sslmode")) {
        b.append('&').append(encode(k)).append('=').append(encode(v));
      }
    });
    return b.toString();
  }

  /**
   * The JDBC URL handed to Datomic ({@code sql-url}, the peer URIs): {@link #jdbcUrl} and, after
   * the URL's own parameters, each of the driver's time limits ({@link
   * PostgresUrl#DRIVER_TIME_LIMITS}) the URL does not set itself. pgjdbc reads parameters it does
   * not know as nothing, so an older driver loses nothing by them.
   */
  static String datomicJdbcUrl(PostgresUrl url) {
    StringBuilder b = new StringBuilder(jdbcUrl(url));
    PostgresUrl.DRIVER_TIME_LIMITS.forEach((k, seconds) -> {
      if (!url.params().containsKey(k)) {
        b.append('&').append(k).append('=').append(seconds);
      }
    });
    return b.toString();
  }

  /**
   * The JDBC URL handed to Datomic with {@code user=} and {@code password=} (masked unless
   * revealed) added.
   */
  static String jdbcUrlWithCredentials(PostgresUrl url, boolean revealPassword) {
    String base = datomicJdbcUrl(url);
    int q = base.indexOf('?');
    StringBuilder b = new StringBuilder(base.substring(0, q + 1));
    b.append("user=").append(encode(url.user()));
    url.password().ifPresent(pw ->
        b.append("&password=").append(revealPassword ? encode(pw) : Secrets.MASK));
    b.append('&').append(base.substring(q + 1));
    return b.toString();
  }

  /** {@code datomic:sql://<dbName>?<JDBC URL with credentials>}. */
  static String peerUri(PostgresUrl url, String dbName, boolean revealPassword) {
    return "datomic:sql://" + datomicName(dbName) + "?"
        + jdbcUrlWithCredentials(url, revealPassword);
  }

  /** {@code dbName} when it is a valid Datomic database name (letters, digits, hyphens). */
  static String datomicName(String dbName) {
    if (dbName == null || !DATOMIC_DB_NAME.matcher(dbName).matches()) {
      throw new UserError("'" + (dbName == null ? "" : dbName)
          + "' is not a valid Datomic database name.",
          "Datomic database names use letters, digits and hyphens only (e.g. my-app-db).");
    }
    return dbName;
  }

  /** The URL as given, with the password masked: {@code postgres://user:********@host:5432/db}. */
  static String masked(PostgresUrl url, String scheme) {
    StringBuilder b = new StringBuilder(scheme).append("://").append(encode(url.user()));
    if (url.password().isPresent()) {
      b.append(':').append(Secrets.MASK);
    }
    b.append('@').append(url.host()).append(':').append(url.port()).append('/')
        .append(encode(url.database()));
    String sep = "?";
    for (Map.Entry<String, String> e : url.params().entrySet()) {
      b.append(sep).append(encode(e.getKey())).append('=').append(
          Secrets.namesASecret(e.getKey()) ? Secrets.MASK : encode(e.getValue()));
      sep = "&";
    }
    return b.toString();
  }

  /** Form-encodes for a URL query, keeping '/' and ':' readable (pgjdbc decodes either way). */
  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20")
        .replace("%2F", "/").replace("%3A", ":");
  }
}
