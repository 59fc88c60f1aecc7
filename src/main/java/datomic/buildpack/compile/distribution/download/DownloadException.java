package datomic.buildpack.compile.distribution.download;

import java.io.IOException;

/**
 * A download that failed for good (after any retries). The installer turns it into a
 * {@link datomic.buildpack.output.UserError} with advice that fits the failure. Messages never
 * hold credentials (URLs in them are masked).
 */
public final class DownloadException extends IOException {
  /** What went wrong, so the advice can fit. */
  public enum Kind {
    NOT_FOUND, UNAUTHORIZED, FORBIDDEN, HTTP_STATUS, NETWORK, TOO_LARGE, NO_FILE, INSECURE, CHANGED,
    /** The whole download took longer than its deadline. */
    TIMEOUT
  }

  private final Kind kind;
  private final int status;

  DownloadException(Kind kind, int status, String message) {
    super(message);
    this.kind = kind;
    this.status = status;
  }

  DownloadException(Kind kind, String message) {
    this(kind, 0, message);
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status, or 0. */
  public int status() {
    return status;
  }
}
