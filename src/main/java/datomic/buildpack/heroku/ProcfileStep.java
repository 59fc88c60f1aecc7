package datomic.buildpack.heroku;

import datomic.buildpack.output.Log;
import datomic.buildpack.slug.AppFiles;
import datomic.buildpack.slug.SlugLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/** The build's Procfile step: the Heroku classic way to name the processes a slug runs. */
public final class ProcfileStep {
  private ProcfileStep() {}

  /** Keeps an app's own Procfile (saying what it lacks), or writes the standard one. */
  public static void apply(SlugLayout slug, Log log) throws IOException {
    AppFiles files = new AppFiles(slug.appDir());
    log.step("Checking the Procfile");
    // A Procfile link is read when it leads to a file inside the app, and refused when it leads
    // outside or to nothing; the standard Procfile is written only where there is no entry at
    // all (CREATE_NEW never follows a link).
    Optional<Path> ownFile = files.readable(slug.procfile());
    if (ownFile.isEmpty()) {
      Files.writeString(slug.procfile(), Procfile.standard().render(),
          StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      log.detail("No Procfile in the app; wrote one with these processes:");
      Procfile.standard().processes().forEach((k, v) -> log.detail("  " + k + ": " + v));
      return;
    }
    log.detail("Using the app's own Procfile.");
    Procfile own = Procfile.read(slug.appDir());
    if (own.has(Procfile.PEER_SERVER) && !own.has(Procfile.TRANSACTOR)) {
      log.detail("It runs a peer server without a transactor (a query group): the transactor"
          + " runs in another app on the same Postgres.");
      return;
    }
    if (!own.has(Procfile.PEER_SERVER)) {
      log.detail("It has no peer-server: process; Heroku uses this buildpack's default ("
          + Procfile.PEER_SERVER + ": " + Procfile.PEER_SERVER_COMMAND + ").");
      log.detail("Add that line to the Procfile to make it explicit; it costs nothing until"
          + " heroku ps:scale peer-server=1.");
    }
    if (!own.has(Procfile.TRANSACTOR)) {
      log.warning("The app's Procfile has no transactor: process.",
          "Heroku will use the default from this buildpack: "
              + Procfile.TRANSACTOR + ": " + Procfile.LAUNCH_COMMAND,
          "Add that line to the Procfile to make it explicit.");
    }
    if (!own.has(Procfile.RELEASE)) {
      log.warning("The app's Procfile has no release: process.",
          "Without it, a bad config var is only found when the transactor dyno crashes.",
          "Add: " + Procfile.RELEASE + ": " + Procfile.RELEASE_COMMAND);
    }
  }

}
