package datomic.buildpack.cli;

import datomic.buildpack.build.BuildpackVersion;
import datomic.buildpack.config.Advice;
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
      return user.exitCode();
    }
    boolean debug = debugging(System.getenv("DATOMIC_BUILDPACK_DEBUG"));
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

  /** DATOMIC_BUILDPACK_DEBUG=1 (or true): stack traces of unexpected errors. */
  static boolean debugging(String value) {
    return "1".equals(value) || "true".equals(value);
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
      return user.exitCode();
    }
    CommandLine cmd = ex.getCommandLine();
    Log.system().error(ex.getMessage(), List.of(
        "Usage: " + cmd.getHelp().synopsis(0).strip(),
        "Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for more."));
    return USAGE;
  }
}
