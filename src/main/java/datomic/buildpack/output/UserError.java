package datomic.buildpack.output;

import java.util.List;

/**
 * A failure the user can act on: a one-line summary for the {@code Error:} line, then what
 * happened and what to do. Shown without a stack trace; never carries a secret.
 */
public class UserError extends RuntimeException {
  private final List<String> advice;
  private final int exitCode;

  public UserError(String summary, String... advice) {
    this(1, summary, advice);
  }

  public UserError(int exitCode, String summary, String... advice) {
    super(summary);
    this.exitCode = exitCode;
    this.advice = List.of(advice);
  }

  public UserError withCause(Throwable cause) {
    initCause(cause);
    return this;
  }

  public String summary() {
    return getMessage();
  }

  public List<String> advice() {
    return advice;
  }

  public int exitCode() {
    return exitCode;
  }
}
