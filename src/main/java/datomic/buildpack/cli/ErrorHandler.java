package datomic.buildpack.cli;

import datomic.buildpack.output.BuildLog;
import datomic.buildpack.output.Secrets;
import datomic.buildpack.output.UserError;
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
    BuildLog log = BuildLog.system();
    UserError user = findUserError(ex);
    if (user != null) {
      log.error(user);
      return user.exitCode();
    }
    log.error("The Datomic buildpack failed unexpectedly.", List.of(
        Secrets.maskUrls(String.valueOf(ex)),
        "This is a bug in the buildpack; please report it with this build log."));
    if (System.getenv("DATOMIC_BUILDPACK_DEBUG") != null) {
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
      BuildLog.system().error(user);
      return user.exitCode();
    }
    CommandLine cmd = ex.getCommandLine();
    BuildLog.system().error(ex.getMessage(), List.of(
        "Usage: " + cmd.getHelp().synopsis(0).strip(),
        "Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for more."));
    return USAGE;
  }
}
