package datomic.buildpack.cli;

import datomic.buildpack.build.BuildpackVersion;
import datomic.buildpack.output.DebugSwitch;
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

  @Override
  public int handleExecutionException(
      Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    Log log = Log.system();
    UserError user = findUserError(ex);
    if (user != null) {
      log.error(user);
      return user.exitCode();
    }
    boolean debug = debugging(System.getenv(DebugSwitch.VAR));
    List<String> report = new ArrayList<>(List.of(
        Secrets.maskUrls(String.valueOf(ex)),
        "This is a bug in the buildpack, not a problem with your app. Please report it at",
        BuildpackVersion.issues(),
        "with the buildpack version (" + BuildpackVersion.current() + ") and this log, from its"));
    if (debug) {
      report.add("first line (the stack trace below included).");
    } else {
      report.add("first line. For a stack trace to add: heroku config:set DATOMIC_BUILDPACK_DEBUG=1,");
      report.add("then push again (or restart the dyno) to repeat what failed.");
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
    return DebugSwitch.on(value);
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
