package datomic.buildpack.slug;

/**
 * The processes a slug of this buildpack runs, each a subcommand of the slug's launcher: the
 * one list every packaging renders (Heroku's Procfile and {@code bin/release}, a Cloud Native
 * Buildpack's launch processes). Commands are relative to the app root, so they work without
 * {@code .profile.d}.
 */
public enum ProcessType {
  TRANSACTOR("transactor", "launch"),
  RELEASE("release", "release-phase"),
  /** Scaled to 0 until asked for: it costs nothing until {@code heroku ps:scale peer-server=1}. */
  PEER_SERVER("peer-server", "peer-server"),
  /** Datomic's Console: never a {@code web} process (it has no login); scaled to 0 until asked. */
  CONSOLE("console", "console");

  /** The launcher, relative to the app root ({@link SlugLayout#launcherScript()}). */
  public static final String LAUNCHER = ".datomic/bin/datomic-buildpack";

  private final String type;
  private final String subcommand;

  ProcessType(String type, String subcommand) {
    this.type = type;
    this.subcommand = subcommand;
  }

  /** The process type's name ({@code transactor}, {@code peer-server}, ...). */
  public String type() {
    return type;
  }

  /** The command that starts it: the launcher and its subcommand. */
  public String command() {
    return LAUNCHER + " " + subcommand;
  }
}
