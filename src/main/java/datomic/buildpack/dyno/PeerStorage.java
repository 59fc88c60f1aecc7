package datomic.buildpack.dyno;

import datomic.buildpack.config.Advice;
import datomic.buildpack.output.UserError;
import datomic.buildpack.storage.PgPassFile;
import datomic.buildpack.storage.PostgresUrl;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a Datomic process other than the transactor reaches Postgres storage: the peer URIs it is
 * given and the environment it needs. When the distribution's pgjdbc reads pgpass files, the URIs
 * carry no password and {@code PGPASSFILE} points at a 0600 file in the dyno's runtime folder;
 * with an older driver the password has to be in the URI (and the summary says so).
 */
public final class PeerStorage {
  private final PostgresUrl url;
  private final PgPassFile.Support support;
  private final Path pgpass;

  private PeerStorage(PostgresUrl url, PgPassFile.Support support, Path pgpass) {
    this.url = url;
    this.support = support;
    this.pgpass = pgpass;
  }

  /** Decides for the distribution in {@code distDir}; writes the pgpass file when it is used. */
  public static PeerStorage prepare(PostgresUrl url, Path distDir, RuntimeDir runtime) {
    PgPassFile.Support support = PgPassFile.support(distDir);
    Path file = null;
    if (support.readsPgPass() && url.password().isPresent()) {
      file = runtime.write(PgPassFile.FILE_NAME, PgPassFile.of(url).text());
    }
    return new PeerStorage(url, support, file);
  }

  /**
   * Refuses to start a process that prints its storage URI at start (the peer server's "Serving
   * URI", the Console's banner), past any masking of ours, when the password would be in it: a
   * driver too old for pgpass files.
   *
   * @param process who prints it, as the message names it: "The peer server", "The Console"
   */
  public PeerStorage refusePasswordInPrintedUri(String process, String... otherWays) {
    if (url.password().isPresent() && !passwordInFile()) {
      throw refusal(support, process, otherWays);
    }
    return this;
  }

  /**
   * The same refusal, decided without preparing anything: the release phase's check of a
   * process that will start on another dyno.
   */
  public static void refusePasswordInPrintedUri(PostgresUrl url, Path distDir, String process,
      String... otherWays) {
    PgPassFile.Support support = PgPassFile.support(distDir);
    if (url.password().isPresent() && !support.readsPgPass()) {
      throw refusal(support, process, otherWays);
    }
  }

  private static UserError refusal(PgPassFile.Support support, String process,
      String... otherWays) {
    List<String> lines = new ArrayList<>(List.of(
        "It prints its storage URI at start, and this Datomic's PostgreSQL driver ("
            + support.evidence() + ") cannot read",
        "the password from a file instead (pgjdbc 42.3 or later can). Use a newer Datomic"
            + " (" + Advice.system().buildSetting("DATOMIC_VERSION", "...") + ")"
            + (otherWays.length > 0 ? "," : ".")));
    lines.addAll(List.of(otherWays));
    return new UserError(process + " would print the storage password in the log.",
        lines.toArray(String[]::new));
  }

  public PostgresUrl url() {
    return url;
  }

  /** The URI the process connects with: without a password when the pgpass file carries it. */
  public String uri(String dbName) {
    return passwordInFile() || url.password().isEmpty() ? url.peerUriWithoutPassword(dbName)
        : url.peerUri(dbName, true);
  }

  /** The same URI as a log may show it (password masked when it is in there). */
  public String shownUri(String dbName) {
    return passwordInFile() || url.password().isEmpty() ? url.peerUriWithoutPassword(dbName)
        : url.peerUri(dbName, false);
  }

  /** Whether the distribution's driver reads a pgpass file, and the jar that decided. */
  public PgPassFile.Support support() {
    return support;
  }

  public boolean passwordInFile() {
    return pgpass != null;
  }

  /** Variables the process needs: {@code PGPASSFILE} when the password is in the file. */
  public Map<String, String> environment() {
    return passwordInFile() ? Map.of(PgPassFile.ENV, pgpass.toString()) : Map.of();
  }

  /** The boot summary's line: where the password comes from, and why. */
  public String passwordSummary() {
    if (url.password().isEmpty()) {
      return BootSummary.line("password", "none", "the database URL has none");
    }
    return passwordInFile()
        ? BootSummary.line("password", "read from PGPASSFILE, in no URI or process argument",
            support.evidence() + " reads it")
        : BootSummary.line("password", "in the storage URI",
            support.evidence() + ": it cannot read a pgpass file");
  }
}
