package datomic.buildpack.compile.distribution.zip;

import java.io.IOException;

/**
 * The zip itself is wrong: incomplete, corrupt, unsafe, too big, not the expected Datomic, or not
 * a zip at all.
 */
public final class ArchiveException extends IOException {
  /** What is wrong, so the advice can fit. */
  public enum Kind { TRUNCATED, CORRUPT, UNSAFE, TOO_BIG, WRONG_TOP, LAYOUT, NOT_A_ZIP }

  private final Kind kind;

  ArchiveException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  ArchiveException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
