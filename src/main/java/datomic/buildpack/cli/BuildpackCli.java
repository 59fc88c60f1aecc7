package datomic.buildpack.cli;

import datomic.buildpack.compile.BuildpackVersion;
import datomic.buildpack.output.Echo;
import datomic.buildpack.output.UserError;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * Entry point of the buildpack's CLI. The bin/ shims call the build-time commands; the slug's
 * {@code .datomic/bin/datomic-buildpack} calls the dyno-side ones.
 */
@Command(
    name = "datomic-buildpack",
    // Inherited: every command takes --help (as the slug launcher's usage and every usage error
    // say: "Run 'datomic-buildpack backup --help' for more.").
    scope = CommandLine.ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = BuildpackVersion.class,
    description = "Heroku buildpack for Datomic transactors.",
    subcommands = {
      CompileCommand.class,
      ReportCommand.class,
      TestCommand.class,
      LaunchCommand.class,
      ReleasePhaseCommand.class,
      PeerUriCommand.class,
      PeerServerCommand.class,
      CreateDatabaseCommand.class,
      ClientConfigCommand.class,
      ConsoleCommand.class,
      BackupCommand.class,
      ListBackupsCommand.class,
      VerifyBackupCommand.class,
      RestoreCommand.class,
      ConfigVarsCommand.class
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
    return execute(new BuildpackCli(), args);
  }

  /**
   * Runs {@code command} (a picocli command) with the CLI's converters and error handling: for
   * tools outside the shipped jar (the dry run) that must fail the way the CLI does.
   */
  public static int execute(Object command, String... args) {
    CommandLine cli = new CommandLine(command);
    cli.registerConverter(Path.class, BuildpackCli::path);
    ErrorHandler handler = new ErrorHandler();
    cli.setExecutionExceptionHandler(handler);
    cli.setParameterExceptionHandler(handler);
    return cli.execute(args);
  }

  /**
   * A path argument. Without a UTF-8 locale the JVM reads arguments in ASCII, and a non-ASCII
   * path (an app in {@code /home/zoë}) cannot be used: say so, and what to do, instead of a raw
   * Java error. (The shims and the slug's launcher choose C.UTF-8 in that case.)
   */
  static Path path(String text) {
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      String encoding = System.getProperty("sun.jnu.encoding", "?");
      throw new UserError("The path " + Echo.value(text) + " cannot be used: this process reads"
              + " file names as " + encoding + ", not UTF-8.",
          "Run it with a UTF-8 locale, e.g. LC_ALL=C.UTF-8 (install the C.UTF-8 locale if the"
              + " machine lacks it).").withCause(e);
    }
  }
}
