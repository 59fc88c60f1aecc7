package datomic.buildpack.local;

import datomic.buildpack.output.BuildLog;
import java.nio.file.Path;

/** TEMPORARY: replaced by the real throwaway server when the storage work lands. */
public final class LocalPostgres implements AutoCloseable {
  public static LocalPostgres startIfAvailable(Path dir, BuildLog log) {
    return null;
  }

  public String url() {
    return null;
  }

  @Override
  public void close() {}
}
