package datomic.buildpack.cli;

import datomic.buildpack.compile.BuildpackVersion;
import datomic.buildpack.output.Echo;
import datomic.buildpack.output.UserError;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * Entry point of the buildpack's CLI. The bin/ shims call the build-time commands; the slug's
 * {@code .datomic/bin/datomic-buildpack} calls the dyno-side ones.
 *
 * <p>Every build step and dyno boot starts this JVM, so the start is kept short: picocli builds
 * the model of the command that runs alone (by reflection, some 30 ms each); the others are built
 * only for the help that lists them all, and {@code --version} needs no picocli at all.
 */
@Command(
    name = "datomic-buildpack",
    mixinStandardHelpOptions = true,
    versionProvider = BuildpackVersion.class,
    description = "Heroku buildpack for Datomic transactors.",
    footerHeading = BuildpackCli.EXAMPLE,
    footer = {"  datomic-buildpack peer-uri my-db", "  datomic-buildpack help peer-uri"})
public final class BuildpackCli implements Runnable {
  /** The heading of every command's example lines (its {@code footer}). */
  static final String EXAMPLE = "%nExample:%n";

  /** The subcommands, in the order the help lists them ({@link #command} makes each). */
  static final List<String> COMMANDS = List.of("compile", "report", "test",
      "launch", "release-phase", "peer-uri", "peer-server", "create-database", "client-config",
      "console", "backup", "list-backups", "verify-backup", "restore", "config-vars");

  @CommandLine.Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command.");
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** The subcommand named {@code name} (one of {@link #COMMANDS}), or null. */
  static Object command(String name) {
    // A switch, not a map of constructor references: no lambda to bootstrap, no class loaded
    // but the one that runs.
    return switch (name) {
      case "compile" -> new CompileCommand();
      case "report" -> new ReportCommand();
      case "test" -> new TestCommand();
      case "launch" -> new LaunchCommand();
      case "release-phase" -> new ReleasePhaseCommand();
      case "peer-uri" -> new PeerUriCommand();
      case "peer-server" -> new PeerServerCommand();
      case "create-database" -> new CreateDatabaseCommand();
      case "client-config" -> new ClientConfigCommand();
      case "console" -> new ConsoleCommand();
      case "backup" -> new BackupCommand();
      case "list-backups" -> new ListBackupsCommand();
      case "verify-backup" -> new VerifyBackupCommand();
      case "restore" -> new RestoreCommand();
      case "config-vars" -> new ConfigVarsCommand();
      default -> null;
    };
  }

  /** Runs the CLI and returns the exit code; all failures are turned into messages here. */
  public static int execute(String... args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      System.out.println(new BuildpackVersion().getVersion()[0]); // what picocli would print
      return 0;
    }
    // picocli registers converters for java.time and java.sql types in every CommandLine, by
    // reflection, initializing those classes: no option here has such a type.
    if (System.getProperty("picocli.converters.excludes") == null) {
      System.setProperty("picocli.converters.excludes", "java\\.(time|sql)\\..*");
    }
    CommandLine cli = new CommandLine(new BuildpackCli());
    String first = args.length > 0 ? args[0] : "";
    boolean help = first.equals("help");
    String named = help ? (args.length > 1 ? args[1] : "") : first;
    if (help) {
      cli.addSubcommand(new CommandLine.HelpCommand());
    }
    Object command = command(named);
    if (command != null) {
      add(cli, command);
    } else { // the help that lists them all, or an unknown command (the error lists them)
      if (!help) {
        cli.addSubcommand(new CommandLine.HelpCommand());
      }
      for (String name : COMMANDS) {
        add(cli, command(name));
      }
    }
    return run(cli, args);
  }

  /**
   * Runs {@code command} (a picocli command) as a top-level command with the CLI's converters and
   * error handling: for tools outside the shipped jar (the dry run) that must fail the way the CLI
   * does.
   */
  public static int execute(Object command, String... args) {
    CommandLine cli = new CommandLine(command);
    cli.getCommandSpec().usageMessage().footerHeading(EXAMPLE);
    return run(cli, args);
  }

  private static int run(CommandLine cli, String... args) {
    // After the subcommands: these settings reach the subcommands added so far.
    cli.registerConverter(Path.class, new PathConverter());
    ErrorHandler handler = new ErrorHandler();
    cli.setExecutionExceptionHandler(handler);
    cli.setParameterExceptionHandler(handler);
    return cli.execute(args);
  }

  /** Adds a subcommand, with the {@code -h}/{@code --help} option and example heading all share. */
  private static void add(CommandLine cli, Object command) {
    CommandLine sub = new CommandLine(command);
    CommandSpec spec = sub.getCommandSpec();
    spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
        .description("Show this help message and exit.").build());
    spec.usageMessage().footerHeading(EXAMPLE);
    cli.addSubcommand(sub);
  }

  /** Path arguments through {@link #path}; a class, not a method reference (no lambda at start). */
  private static final class PathConverter implements CommandLine.ITypeConverter<Path> {
    @Override
    public Path convert(String text) {
      return path(text);
    }
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
