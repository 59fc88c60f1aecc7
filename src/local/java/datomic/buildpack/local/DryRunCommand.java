package datomic.buildpack.local;

import datomic.buildpack.cli.BuildpackCli;
import datomic.buildpack.config.DynoTypes;
import datomic.buildpack.output.Echo;
import datomic.buildpack.output.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The local end-to-end run (the README's "main job", docs/local.md); no Heroku, and no network
 * unless {@code --real}. A tool of the checkout, not of the buildpack: it lives outside the
 * shipped CLI jar ({@code ./dry-run} runs it with the jar and {@code
 * target/datomic-buildpack-local.jar} on the class path).
 */
@Command(name = "dry-run", mixinStandardHelpOptions = true,
    description = "Detect, compile and release an app locally as Heroku would, then run its"
        + " release phase, transactor and peer server.",
    footer = {"", "Examples:",
        "  ./dry-run -e DATOMIC_XMX=2g               # a heap too big for the dyno",
        "  ./dry-run --env-file .env                 # your app's settings",
        "  ./dry-run -e DATABASE_URL= --transactors 2  # two transactors on dev storage",
        "  ./dry-run --datomic-zip ~/Downloads/datomic-pro-1.0.7622.zip"})
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

  @Option(names = {"-e", "--env"}, paramLabel = "NAME=VALUE",
      description = "A config var, as heroku config:set sets it: in the build's ENV_DIR and every"
          + " dyno's environment (repeatable; NAME= unsets it; after --env-file).")
  List<String> env = new ArrayList<>();

  @Option(names = "--env-file", paramLabel = "FILE",
      description = "Config vars from a .env file (NAME=VALUE a line), as heroku local reads it.")
  Path envFile;

  @Option(names = "--datomic-zip", paramLabel = "PATH",
      description = "Install this Datomic zip (as downloaded) instead of the stand-in: the real"
          + " transactor, peer server and a round trip through its peer library run.")
  Path datomicZip;

  @Option(names = "--real",
      description = "Download Datomic Pro from its official URL, as a Heroku build does (checksum"
          + " recorded, zip cached in --cache), and run it for real.")
  boolean real;

  @Option(names = "--cache", paramLabel = "DIR",
      description = "The build cache of --real runs (default: ~/.cache/datomic-buildpack/dry-run).")
  Path cache;

  @Option(names = "--dyno-type", paramLabel = "TYPE", defaultValue = "private-s",
      description = "The Private Space dyno to simulate: its memory limit (default: private-s, 1 GB).")
  String dynoType;

  @Option(names = "--transactors", paramLabel = "N", defaultValue = "1",
      description = "How many transactor dynos to start (2: an active one and a standby).")
  int transactors;

  @Option(names = "--round-trip-wait", paramLabel = "SECONDS", defaultValue = "60", hidden = true,
      description = "How long the round trip waits for the transactor's location in storage.")
  int roundTripWait;

  @Override
  public Integer call() throws Exception {
    Path bp = buildpackDir.toAbsolutePath().normalize();
    Path appDir = (app != null ? app : bp.resolve("test-fixtures/apps/minimal-transactor"))
        .toAbsolutePath().normalize();
    if (!Files.isDirectory(appDir)) {
      throw new UserError("The app to build, " + Echo.value(appDir.toString()) + ", "
              + (Files.exists(appDir) ? "is not a folder." : "does not exist."),
          "--app DIR takes the root folder of an app (where its Procfile and"
              + " transactor.properties are, if it has them).");
    }
    if (datomicZip != null && real) {
      throw new UserError("--datomic-zip and --real both choose the distribution.",
          "Give one: --datomic-zip PATH installs a zip you have, --real downloads Datomic Pro.");
    }
    if (datomicZip != null && !Files.isRegularFile(datomicZip)) {
      throw new UserError("--datomic-zip " + Echo.value(datomicZip.toString()) + ": no such file.",
          "Give the zip as downloaded from Datomic, e.g. datomic-pro-1.0.7622.zip.");
    }
    if (transactors < 1 || transactors > 9) {
      throw new UserError("--transactors " + transactors + ": give 1 to 9.",
          "Two is Datomic's high availability: an active transactor and a standby.");
    }
    List<String> types = DynoTypes.of(DynoTypes.Family.PRIVATE).stream()
        .map(DynoTypes.Type::name).toList();
    if (!types.contains(dynoType)) {
      throw new UserError("--dyno-type " + Echo.value(dynoType) + " is not a Private Space dyno.",
          "One of: " + String.join(", ", types) + ".");
    }
    Map<String, String> vars = new LinkedHashMap<>();
    if (envFile != null) {
      vars.putAll(DotEnv.read(envFile));
    }
    for (String e : env) {
      Map.Entry<String, String> a = DotEnv.assignment(e);
      vars.remove(a.getKey());
      vars.put(a.getKey(), a.getValue());
    }
    DryRun.Source source = datomicZip != null ? DryRun.Source.ZIP
        : real ? DryRun.Source.REAL : DryRun.Source.STAND_IN;
    return new DryRun(new DryRun.Options(bp, appDir, keep, vars, source,
        Optional.ofNullable(datomicZip).map(p -> p.toAbsolutePath().normalize()),
        Optional.ofNullable(cache).map(p -> p.toAbsolutePath().normalize()), dynoType,
        transactors, roundTripWait)).run();
  }
}
