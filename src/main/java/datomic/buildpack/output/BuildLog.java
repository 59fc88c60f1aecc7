package datomic.buildpack.output;

import java.io.PrintStream;
import java.util.List;

/**
 * Heroku's build-log style: {@code -----> } for steps, seven spaces for details, and
 * {@code  !     } for warnings and errors on stderr. Every line passes through
 * {@link Secrets#maskUrls}: whatever a caller forgot, no URL password reaches the log.
 */
public final class BuildLog {
  private static final String STEP = "-----> ";
  private static final String DETAIL = "       ";
  private static final String BANG = " !     ";

  private final PrintStream out;
  private final PrintStream err;

  public BuildLog(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static BuildLog system() {
    return new BuildLog(System.out, System.err);
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
    bang("Warning: " + summary, List.of(lines));
  }

  public void error(String summary, List<String> lines) {
    bang("Error: " + summary, lines);
  }

  public void error(UserError e) {
    error(e.summary(), e.advice());
  }

  private void bang(String first, List<String> lines) {
    err.println();
    // Masked before splitting: a password may hold a line break.
    for (String part : Secrets.maskUrls(first).split("\n", -1)) {
      err.println(part.isEmpty() ? " !" : BANG + part);
    }
    for (String line : lines) {
      for (String part : Secrets.maskUrls(line).split("\n", -1)) {
        err.println(part.isEmpty() ? " !" : BANG + part);
      }
    }
    err.println();
    err.flush();
  }

  public PrintStream out() {
    return out;
  }
}
