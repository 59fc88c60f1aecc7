package datomic.buildpack.storage;

import datomic.buildpack.files.Json;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.Secrets;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether Postgres has connections left for the transactor's pool and its peers. It reads the
 * server's {@code max_connections} (less the connections reserved for superusers), the role's and
 * the database's own connection limits when set, and how many connections each counts now; what
 * is left is the smallest of those. The transactor's pool opens about {@code write-concurrency +
 * read-concurrency + 2}; {@code DATOMIC_PEER_CONNECTIONS} keeps a margin for peers.
 *
 * <p>At a boot it compares what is left now with the transactor's pool plus the margin. In the
 * release phase the running transactors still hold their connections (and give them back when
 * they restart), so there it compares the plan's capacity instead, and shows the current use.
 * It only ever warns: a full database is not a reason to stop a boot.
 */
public final class ConnectionBudget {
  /** Connections the transactor opens besides its read and write concurrency. */
  public static final int TRANSACTOR_EXTRA = 2;
  public static final int DEFAULT_WRITE_CONCURRENCY = 4;
  public static final int DEFAULT_READ_CONCURRENCY = 8;
  public static final String PEERS_SETTING = "DATOMIC_PEER_CONNECTIONS";
  private static final String PLANS = "/datomic/buildpack/postgres-plans.json";
  /**
   * Not counted: this connection, and the buildpack's own others (a boot's table check, a
   * launcher on another dyno): they close within the second.
   */
  private static final String OTHERS = " AND pid <> pg_backend_pid()"
      + " AND coalesce(application_name, '') <> '" + KvsBootstrap.APPLICATION_NAME + "'";

  /** A connection limit, what counts against it now, and what it is (for messages). */
  public record Limit(String name, int limit, int inUse) {
    public int left() {
      return Math.max(0, limit - inUse);
    }
  }

  /** What the server said. {@code limits} has at least the server's own. */
  public record Usage(int maxConnections, int reserved, int inUse, List<Limit> limits) {
    /** The limit that leaves the fewest connections (the server's on a tie). */
    public Limit binding() {
      Limit min = limits.get(0);
      for (Limit l : limits) {
        if (l.left() < min.left()) {
          min = l;
        }
      }
      return min;
    }

    /** The smallest capacity of all limits (what the plan allows at most). */
    public Limit smallestCapacity() {
      Limit min = limits.get(0);
      for (Limit l : limits) {
        if (l.limit() < min.limit()) {
          min = l;
        }
      }
      return min;
    }
  }

  /** What this app needs: the transactor's pool and the peers' margin. */
  public record Need(int writeConcurrency, int readConcurrency, int peers) {
    public int transactorPool() {
      return writeConcurrency + readConcurrency + TRANSACTOR_EXTRA;
    }

    public int total() {
      return transactorPool() + peers;
    }

    String describe() {
      return "this transactor opens about " + transactorPool() + " (write-concurrency "
          + writeConcurrency + " + read-concurrency " + readConcurrency + " + " + TRANSACTOR_EXTRA
          + ") and " + PEERS_SETTING + " keeps " + peers + " for peers";
    }
  }

  private ConnectionBudget() {}

  /**
   * Reads the limits and the current use through {@code c} (whose own connection is not
   * counted).
   */
  public static Usage read(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT current_setting('max_connections')::int,"
             + " current_setting('superuser_reserved_connections')::int"
             + " + coalesce(current_setting('reserved_connections', true), '0')::int,"
             + " (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
             + OTHERS + "),"
             + " (SELECT rolconnlimit FROM pg_roles WHERE rolname = current_user),"
             + " (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
             + "   AND usename = current_user" + OTHERS + "),"
             + " (SELECT datconnlimit FROM pg_database WHERE datname = current_database()),"
             + " (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
             + "   AND datname = current_database()" + OTHERS + "),"
             + " current_user, current_database()")) {
      rs.next();
      int max = rs.getInt(1);
      int reserved = rs.getInt(2);
      int inUse = rs.getInt(3);
      List<Limit> limits = new ArrayList<>();
      limits.add(new Limit("max_connections " + max + " less " + reserved + " reserved",
          max - reserved, inUse));
      if (rs.getInt(4) >= 0) {
        limits.add(new Limit("role " + rs.getString(8) + "'s CONNECTION LIMIT " + rs.getInt(4),
            rs.getInt(4), rs.getInt(5)));
      }
      if (rs.getInt(6) >= 0) {
        limits.add(new Limit("database " + rs.getString(9) + "'s CONNECTION LIMIT "
            + rs.getInt(6), rs.getInt(6), rs.getInt(7)));
      }
      return new Usage(max, reserved, inUse, limits);
    }
  }

  /** Reads through a connection of {@code bootstrap}; empty (with a detail line) on failure. */
  public static Optional<Usage> read(KvsBootstrap bootstrap, Log log) {
    try (Connection c = bootstrap.connect()) {
      return Optional.of(read(c));
    } catch (SQLException e) {
      Secrets secrets = bootstrap.url().secrets();
      log.detail("postgres  connection use unknown (" + Secrets.maskUrls(secrets.mask(
          String.valueOf(e.getMessage()).strip())) + ")");
      return Optional.empty();
    }
  }

  /**
   * The summary line, and a warning when what is left (at a boot) or what the plan allows (in the
   * release phase) is below what the app needs.
   *
   * @param urlVar the config var of the database URL, naming the add-on in the upgrade advice
   */
  public static void report(Usage usage, Need need, boolean releasePhase, String urlVar,
      Log log) {
    Limit binding = usage.binding();
    log.detail("postgres  connections: " + usage.inUse() + " in use of " + usage.maxConnections()
        + " (" + usage.reserved() + " reserved)" + (usage.limits().size() > 1 ? ", "
        + binding.left() + " left under the " + binding.name() : ", " + binding.left() + " left")
        + "; " + need.describe());
    if (releasePhase) {
      Limit capacity = usage.smallestCapacity();
      if (capacity.limit() < need.total()) {
        log.warning("Postgres allows " + capacity.limit() + " connections; this transactor and"
                + " its peers need about " + need.total() + ".",
            advice(capacity.name() + ": at most " + capacity.limit() + " connections, "
                + capacity.inUse() + " in use now (running dynos included).", need, urlVar));
      }
      return;
    }
    if (binding.left() < need.total()) {
      log.warning("Postgres has " + binding.left() + " connections left; this transactor and"
              + " its peers need about " + need.total() + ".",
          advice(binding.name() + ": " + binding.inUse() + " in use now, " + binding.left()
              + " left.", need, urlVar));
    }
  }

  private static String[] advice(String numbers, Need need, String urlVar) {
    List<String> lines = new ArrayList<>();
    lines.add(numbers);
    lines.add(Character.toUpperCase(need.describe().charAt(0)) + need.describe().substring(1)
        + ".");
    lines.add("When connections run out, Datomic cannot read or write storage.");
    String attachment = urlVar.endsWith("_URL") ? urlVar.substring(0, urlVar.length() - 4)
        : urlVar;
    int wanted = need.total() + 3; // and psql, heroku pg:* and Heroku's own checks
    lines.add(upgrade(wanted).map(p -> "Move to a plan with more connections, e.g.: heroku"
            + " addons:upgrade " + attachment + " heroku-postgresql:" + p.get("plan") + " ("
            + p.get("connections") + " connections)")
        .orElse("Move to a plan with more connections (heroku pg:info shows yours)."));
    lines.add("Or open fewer: lower DATOMIC_READ_CONCURRENCY / DATOMIC_WRITE_CONCURRENCY, and set "
        + PEERS_SETTING + " to what your peers really open (see the buildpack's"
        + " docs/storage.md, Postgres connections).");
    return lines.toArray(String[]::new);
  }

  /** The smallest plan of the upgrade path with at least {@code connections}. */
  static Optional<Map<String, Object>> upgrade(int connections) {
    for (Map<String, Object> plan : plans()) {
      if (((Number) plan.get("connections")).intValue() >= connections) {
        return Optional.of(plan);
      }
    }
    return Optional.empty();
  }

  static List<Map<String, Object>> plans() {
    try (InputStream in = ConnectionBudget.class.getResourceAsStream(PLANS)) {
      return Json.objects(Json.read(in), "plans");
    } catch (IOException e) {
      throw new UncheckedIOException("postgres-plans.json is unreadable", e);
    }
  }

  /** A setting's whole number, or {@code fallback} when it is not one. */
  public static int number(Optional<String> value, int fallback) {
    try {
      return value.map(String::strip).map(Integer::parseInt).orElse(fallback);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
