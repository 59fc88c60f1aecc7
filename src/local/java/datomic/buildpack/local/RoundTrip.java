package datomic.buildpack.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dry run's round trip through a real distribution's peer library: a Clojure script that
 * {@code bin/run} (the distribution's own classpath) runs against the storage the transactor
 * serves. It creates the database (retrying while the transactor publishes its location),
 * transacts a datom, queries it back and prints one line {@code ROUND-TRIP ok basis-t=N
 * created=BOOL}, or {@code ROUND-TRIP failed: REASON} and exits 2. The URI comes through the
 * environment ({@value #URI_VAR}), never the command line (it holds the storage password).
 */
public final class RoundTrip {
  /** The variable the script reads the peer URI from. */
  public static final String URI_VAR = "DRY_RUN_PEER_URI";
  /** How long the script retries while no transactor location is in storage yet, in seconds. */
  public static final String WAIT_VAR = "DRY_RUN_ROUND_TRIP_WAIT";
  private static final Pattern OK = Pattern.compile("ROUND-TRIP ok basis-t=(\\d+) created=(\\w+)");

  static final String SCRIPT = """
      ;; The dry run's round trip (datomic.buildpack.local.RoundTrip): peer library, storage,
      ;; transactor and back. Run by the distribution's bin/run: bin/run THIS-FILE.
      (require '[datomic.api :as d])
      (defn- fail! [reason]
        (println (str "ROUND-TRIP failed: " reason))
        (flush)
        (System/exit 2))
      (defn- reason
        "Datomic's own words (:db.error/...) when an exception of the chain has them, else the
        root cause's message."
        [^Throwable e]
        (let [chain (take-while some? (iterate #(.getCause ^Throwable %) e))
              said (first (filter #(some-> (.getMessage ^Throwable %) (.startsWith ":db.error"))
                                  chain))
              root ^Throwable (last chain)]
          (or (some-> ^Throwable said .getMessage) (.getMessage root) (.getName (class root)))))
      (let [uri (System/getenv "DRY_RUN_PEER_URI")
            wait-ms (* 1000 (Long/parseLong (or (System/getenv "DRY_RUN_ROUND_TRIP_WAIT") "60")))
            deadline (+ (System/currentTimeMillis) wait-ms)]
        (when-not uri (fail! "DRY_RUN_PEER_URI is not set"))
        (try
          (let [created (loop []
                          (let [r (try (d/create-database uri)
                                       (catch Exception e
                                         (if (and (< (System/currentTimeMillis) deadline)
                                                  (.contains (str (.getMessage e))
                                                             "read-transactor-location"))
                                           ::retry
                                           (throw e))))]
                            (if (= ::retry r) (do (Thread/sleep 1000) (recur)) r)))
                conn (d/connect uri)
                note (str "dry run " (java.util.UUID/randomUUID))]
            @(d/transact conn [{:db/ident :dry-run/note
                                :db/valueType :db.type/string
                                :db/cardinality :db.cardinality/one}])
            (let [db (:db-after @(d/transact conn [{:dry-run/note note}]))
                  found (d/q '[:find ?n . :in $ ?n :where [_ :dry-run/note ?n]] db note)]
              (if (= found note)
                (println (str "ROUND-TRIP ok basis-t=" (d/basis-t db) " created=" created))
                (fail! (str "the datom just transacted was not found (got " (pr-str found) ")")))
              (flush)
              (System/exit 0)))
          (catch Throwable e (fail! (reason e)))))
      """;

  /** What the round trip reported. */
  public record Result(boolean ok, Optional<Long> basisT, boolean created, String line) {}

  private RoundTrip() {}

  /** Writes the script into {@code dir}; returns its path. */
  public static Path write(Path dir) throws IOException {
    Path file = dir.resolve("dry_run_round_trip.clj");
    Files.writeString(file, SCRIPT);
    return file;
  }

  /** The script's verdict from its output (the {@code ROUND-TRIP} line), or a failure. */
  public static Result parse(String output) {
    for (String line : output.split("\n")) {
      Matcher m = OK.matcher(line.strip());
      if (m.matches()) {
        return new Result(true, Optional.of(Long.parseLong(m.group(1))),
            Boolean.parseBoolean(m.group(2)), line.strip());
      }
      if (line.startsWith("ROUND-TRIP failed: ")) {
        return new Result(false, Optional.empty(), false,
            line.substring("ROUND-TRIP failed: ".length()).strip());
      }
    }
    return new Result(false, Optional.empty(), false, "it printed no ROUND-TRIP line");
  }
}
