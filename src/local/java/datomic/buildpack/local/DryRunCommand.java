package datomic.buildpack.local;

import datomic.buildpack.cli.BuildpackCli;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The local end-to-end run (the README's "main job", docs/local.md); no Heroku, no network. A tool
 * of the checkout, not of the buildpack: it lives outside the shipped CLI jar ({@code ./dry-run}
 * runs it with the jar and {@code target/datomic-buildpack-local.jar} on the class path).
 */
@Command(name = "dry-run", mixinStandardHelpOptions = true,
    description = "Detect, compile and release a fixture app locally, then boot its transactor.",
    footer = "  ./dry-run --keep   (the script in this buildpack's checkout runs this command)")
public final class DryRunCommand implements Callable<Integer> {
  public static void main(String[] args) {
    System.exit(BuildpackCli.execute(new DryRunCommand(), args));
  }

  @Option(names = "--buildpack-dir", defaultValue = ".", paramLabel = "DIR",
      description = "This buildpack's checkout (default: the current folder).")
  Path buildpackDir;

  @Option(names = "--app", paramLabel = "DIR",
      description = "The app to build (default: test-fixtures/apps/minimal-transactor).")
  Path app;

  @Option(names = "--keep", description = "Keep the temp build, cache and env folders.")
  boolean keep;

  @Override
  public Integer call() throws Exception {
    Path bp = buildpackDir.toAbsolutePath().normalize();
    Path appDir = app != null ? app : bp.resolve("test-fixtures/apps/minimal-transactor");
    return new DryRun(bp, appDir.toAbsolutePath().normalize(), keep).run();
  }
}
