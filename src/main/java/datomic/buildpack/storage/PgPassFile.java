package datomic.buildpack.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL password file ({@code host:port:database:user:password}, with {@code :} and
 * {@code \} escaped by {@code \}) for one database URL. PostgreSQL's JDBC driver, from 42.3 on,
 * reads the password from the file {@code PGPASSFILE} names when the JDBC URL carries none; so a
 * Datomic process given {@link PostgresUrl#peerUriWithoutPassword} and this file (mode 0600, in
 * the dyno's private runtime folder) authenticates without the password in its arguments.
 */
public final class PgPassFile {
  /** The variable pgjdbc (and libpq) read the file's path from. */
  public static final String ENV = "PGPASSFILE";
  public static final String FILE_NAME = "pgpass";
  /** Jar names in a distribution's {@code lib/}: {@code postgresql-42.5.1.jar}. */
  private static final Pattern DRIVER_JAR =
      Pattern.compile("postgresql-(\\d{1,9})\\.(\\d{1,9})(?:[^0-9/][^/]*)?\\.jar");

  private final PostgresUrl url;

  private PgPassFile(PostgresUrl url) {
    this.url = url;
  }

  public static PgPassFile of(PostgresUrl url) {
    return new PgPassFile(url);
  }

  /**
   * The file's one line. An IPv6 host is written {@code *}: how pgjdbc spells a bracketed
   * address when it compares is not documented, and the file is written for this URL alone.
   */
  public String text() {
    String host = url.host().startsWith("[") ? "*" : escape(url.host());
    return host + ":" + url.port() + ":" + escape(url.database()) + ":" + escape(url.user())
        + ":" + escape(url.password().orElse("")) + "\n";
  }

  /** {@code \} becomes {@code \\} and {@code :} becomes {@code \:}, as libpq and pgjdbc read them. */
  static String escape(String field) {
    return field.replace("\\", "\\\\").replace(":", "\\:");
  }

  /**
   * Whether the distribution's PostgreSQL driver reads a pgpass file, judged from its jar name in
   * {@code lib/}: 42.3 and later do; older ones (the {@code 9.x-...} drivers of old releases, 42.2)
   * ignore the file and need the password in the URL.
   *
   * @param evidence the jar that decided, or why nothing did (for the boot summary)
   */
  public record Support(boolean readsPgPass, String evidence) {}

  public static Support support(Path distDir) {
    List<String> jars = new ArrayList<>();
    try (DirectoryStream<Path> lib = Files.newDirectoryStream(distDir.resolve("lib"),
        "postgresql-*.jar")) {
      lib.forEach(jar -> jars.add(jar.getFileName().toString()));
    } catch (IOException e) {
      return new Support(false, "the distribution's lib/ could not be read (" + e + ")");
    }
    if (jars.isEmpty()) {
      return new Support(false, "no lib/postgresql-*.jar in the distribution");
    }
    for (String jar : jars) {
      Matcher m = DRIVER_JAR.matcher(jar);
      if (!m.matches()) {
        return new Support(false, "lib/" + jar + " (version not recognised)");
      }
      int major = Integer.parseInt(m.group(1));
      int minor = Integer.parseInt(m.group(2));
      if (major < 42 || major == 42 && minor < 3) {
        return new Support(false, "lib/" + jar + " predates pgpass support (pgjdbc 42.3)");
      }
    }
    return new Support(true, "lib/" + String.join(", lib/", jars));
  }
}
