package datomic.buildpack.cli;

import datomic.buildpack.compile.BuildpackVersion;
import datomic.buildpack.config.Advice;
import datomic.buildpack.config.Switches;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.Secrets;
import datomic.buildpack.output.UserError;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * The one place where failures become what a person reads and an exit code: user errors as a
 * short Heroku-style message (no stack trace), bad arguments with the usage line, and anything
 * unexpected as an internal error with its (masked) cause.
 */
final class ErrorHandler
    implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
  /** A user error (a {@link UserError}): the user can act on the message. */
  static final int USER = 1;
  static final int USAGE = 2;
  static final int INTERNAL = 70;
  /** Commands a Heroku build runs (its ENV_DIR holds the config vars). */
  private static final java.util.Set<String> BUILD_COMMANDS =
      java.util.Set.of("detect", "compile", "release", "report", "test");

  @Override
  public int handleExecutionException(
      Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    Log log = Log.system();
    UserError user = findUserError(ex);
    if (user != null) {
      log.error(user);
      return USER;
    }
    boolean debug = Switches.system().debug();
    List<String> report = new ArrayList<>(List.of(
        Secrets.maskUrls(String.valueOf(ex)),
        "This is a bug in the buildpack, not a problem with your app. Please report it at",
        BuildpackVersion.issues(),
        "with the buildpack version (" + BuildpackVersion.current() + ") and this log, from its"));
    if (debug) {
      report.add("first line (the stack trace below included).");
    } else {
      boolean build = BUILD_COMMANDS.contains(commandLine.getCommandName());
      Advice advice = build ? Advice.build() : Advice.system();
      report.add("first line. For a stack trace to add: "
          + advice.configSet("DATOMIC_BUILDPACK_DEBUG=1") + ",");
      report.add(advice.local() ? "then run it again to repeat what failed."
          : build ? "then push again to repeat what failed."
          : "then restart the dyno (or run the command again) to repeat what failed.");
    }
    log.error("The Datomic buildpack failed unexpectedly.", report);
    if (debug) {
      java.io.StringWriter trace = new java.io.StringWriter();
      ex.printStackTrace(new java.io.PrintWriter(trace));
      System.err.println(Secrets.maskUrls(trace.toString()));
    }
    return INTERNAL;
  }

  private static UserError findUserError(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof UserError u) {
        return u;
      }
    }
    return null;
  }

  @Override
  public int handleParseException(CommandLine.ParameterException ex, String[] args) {
    UserError user = findUserError(ex);
    if (user != null) { // an argument that cannot be converted, with a message of its own
      Log.system().error(user);
      return USER;
    }
    CommandLine cmd = ex.getCommandLine();
    String message = ex.getMessage();
    List<String> unmatched = cmd.getUnmatchedArguments();
    if (ex instanceof CommandLine.MissingParameterException && !unmatched.isEmpty()
        && unmatched.get(0).startsWith("-")) {
      // `peer-uri --bogus`: the unknown option is the mistake (it took the parameter's place)
      message = "Unknown option: '" + unmatched.get(0) + "'";
    } else if (ex instanceof CommandLine.UnmatchedArgumentException && cmd.getParent() == null
        && !unmatched.isEmpty() && !unmatched.get(0).startsWith("-")) {
      message = "Unknown command: '" + unmatched.get(0) + "'";
    }
    List<String> lines = new ArrayList<>();
    if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
      lines.add("Did you mean: " + String.join(", ", u.getSuggestions()) + "?");
    }
    // One line: the usage's own line breaks are laid out for "Usage: " at the start of a line.
    lines.add("Usage: " + cmd.getHelp().synopsis(0).strip().replaceAll("\\s+", " "));
    lines.add("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for more.");
    Log.system().error(message, lines);
    return USAGE;
  }
}
