package datomic.buildpack.cli;

import datomic.buildpack.config.Environment;
import datomic.buildpack.config.Switches;
import datomic.buildpack.heroku.CiChecks;
import datomic.buildpack.output.Log;
import datomic.buildpack.slug.SlugLayout;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/test BUILD_DIR ENV_DIR} (Heroku CI's Testpack API): checks a compiled app by booting
 * its transactor; the exit code is the verdict.
 */
@Command(name = "test",
    description = "Heroku CI: check the config vars, prepare the database, boot the transactor from"
        + " the compiled app and stop it; exit 0 when every check passed.",
    footer = "  datomic-buildpack test /app /tmp/env   (what bin/test runs in Heroku CI)")
final class TestCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "BUILD_DIR",
      description = "The compiled app.")
  Path buildDir;

  @Parameters(index = "1", paramLabel = "ENV_DIR", arity = "0..1",
      description = "Config vars, one file each (Heroku CI also sets them in the environment).")
  Path envDir;

  @Override
  public Integer call() throws Exception {
    // Heroku CI runs bin/test with ENV_DIR's entries already in the environment; a local run
    // may give them only as files.
    Map<String, String> vars = new TreeMap<>(System.getenv());
    if (envDir != null) {
      vars.putAll(Environment.fromEnvDir(envDir).asMap());
    }
    SlugLayout slug = new SlugLayout(buildDir.toAbsolutePath().normalize());
    return new CiChecks(slug, Environment.of(vars), vars, Switches.system().ciBootTimeout(),
        Log.system()).run();
  }
}
