package datomic.buildpack.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the buildpack's CLI. The bin/ shims call the build-time commands; the slug's
 * {@code .datomic/bin/datomic-buildpack} calls the dyno-side ones.
 */
@Command(
    name = "datomic-buildpack",
    mixinStandardHelpOptions = true,
    versionProvider = BuildpackVersion.class,
    description = "Heroku buildpack for Datomic transactors.",
    subcommands = {
      DetectCommand.class,
      CompileCommand.class,
      ReleaseCommand.class,
      ReportCommand.class,
      LaunchCommand.class,
      ReleasePhaseCommand.class,
      PeerUriCommand.class,
      ConsoleCommand.class,
      BackupCommand.class,
      ListBackupsCommand.class,
      VerifyBackupCommand.class,
      RestoreCommand.class,
      ConfigVarsCommand.class,
      DryRunCommand.class
    })
public final class BuildpackCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command.");
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns the exit code; all failures are turned into messages here. */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new BuildpackCli());
    ErrorHandler handler = new ErrorHandler();
    cli.setExecutionExceptionHandler(handler);
    cli.setParameterExceptionHandler(handler);
    return cli.execute(args);
  }
}
