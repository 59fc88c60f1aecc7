package datomic.buildpack.cli;

import datomic.buildpack.heroku.Detector;
import datomic.buildpack.output.Log;
import datomic.buildpack.slug.SlugLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code bin/detect BUILD_DIR}: prints the buildpack's name and exits 0 for a transactor app. */
@Command(name = "detect", description = "Tell whether BUILD_DIR is a Datomic transactor app.")
final class DetectCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "BUILD_DIR")
  Path buildDir;

  @Override
  public Integer call() {
    Detector.Result result = Detector.detect(buildDir);
    if (result.detected()) {
      System.out.println(Detector.NAME);
      return 0;
    }
    // The same words as bin/detect's bash rule (DetectWithoutJavaIT compares them).
    Log.system().error("This app is not a Datomic transactor app: " + result.reason() + ".",
        List.of("The Datomic buildpack looks in the app's root for a " + SlugLayout.PROPERTIES_FILE
            + " file (optional transactor settings, may be empty)",
        "or a Procfile with a 'transactor:' (or, for a query-group app, 'peer-server:') process.",
        "The root holds: " + (result.rootEntries().isEmpty() ? "(nothing)"
            : String.join(" ", result.rootEntries())),
        "To deploy a transactor, commit an empty " + SlugLayout.PROPERTIES_FILE + " to the app."));
    return 1;
  }
}
