package datomic.buildpack.output;

import java.util.List;

/**
 * A failure the user can act on: a one-line summary for the {@code Error:} line, then what
 * happened and what to do. Shown without a stack trace; never carries a secret. A command that
 * ends with one exits with status 1.
 */
public class UserError extends RuntimeException {
  private final List<String> advice;

  public UserError(String summary, String... advice) {
    super(summary);
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
}
