package datomic.buildpack.output;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Heroku's build-log style: {@code -----> } for steps, seven spaces for details, and
 * {@code  !     } on every line of warnings and errors, on stderr. Errors are bold red and
 * warnings bold yellow, as in Heroku's own buildpacks (and lib/output.sh), when stderr is a
 * terminal or a Heroku build's log (STACK set, no DYNO); plain otherwise, and always under
 * {@code NO_COLOR}. Every line passes through {@link Secrets#maskUrls}: whatever a caller
 * forgot, no URL password reaches the log.
 */
public final class Log {
  private static final String STEP = "-----> ";
  private static final String DETAIL = "       ";
  private static final String BANG = " !     ";
  private static final String RED = "\u001b[1;31m";
  private static final String YELLOW = "\u001b[1;33m";
  private static final String RESET = "\u001b[0m";

  private final PrintStream out;
  private final PrintStream err;
  private final boolean colour;

  public Log(PrintStream out, PrintStream err) {
    this(out, err, false);
  }

  public Log(PrintStream out, PrintStream err, boolean colour) {
    this.out = out;
    this.err = err;
    this.colour = colour;
  }

  public static Log system() {
    return new Log(System.out, System.err, colourFor(2, System.getenv()));
  }

  /** Whether what this process writes to file descriptor {@code fd} may be coloured. */
  static boolean colourFor(int fd, Map<String, String> env) {
    if (!env.getOrDefault("NO_COLOR", "").isEmpty()) {
      return false;
    }
    return isTerminal(fd)
        || !env.getOrDefault("STACK", "").isEmpty() && env.getOrDefault("DYNO", "").isEmpty();
  }

  private static boolean isTerminal(int fd) {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty")
          || target.equals("/dev/console");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  public void step(String text) {
    out.println(STEP + Secrets.maskUrls(text));
    out.flush();
  }

  public void detail(String text) {
    out.println(DETAIL + Secrets.maskUrls(text));
    out.flush();
  }

  public void warning(String summary, String... lines) {
    bang(YELLOW, "Warning: " + summary, List.of(lines));
  }

  public void error(String summary, List<String> lines) {
    bang(RED, "Error: " + summary, lines);
  }

  public void error(UserError e) {
    error(e.summary(), e.advice());
  }

  private void bang(String colourCode, String first, List<String> lines) {
    err.println();
    bangLines(colourCode, first);
    for (String line : lines) {
      bangLines(colourCode, line);
    }
    err.println();
    err.flush();
  }

  /** Masked before splitting: a password may hold a line break. */
  private void bangLines(String colourCode, String text) {
    for (String part : Secrets.maskUrls(text).split("\n", -1)) {
      String line = part.isEmpty() ? " !" : BANG + part;
      err.println(colour ? colourCode + line + RESET : line);
    }
  }

  public PrintStream out() {
    return out;
  }
}
