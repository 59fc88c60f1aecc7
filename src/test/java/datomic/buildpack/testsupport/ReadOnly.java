package datomic.buildpack.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * A folder the build really cannot write to. Root ignores file modes, so as root (as CI runs)
 * it is a read-only bind mount of the folder; otherwise the folder's own modes, write bits
 * removed. Either way it is checked: writing a file there must fail.
 */
public final class ReadOnly implements AutoCloseable {
  private final Path source;
  private final Path path;
  private final boolean mounted;

  private ReadOnly(Path source, Path path, boolean mounted) {
    this.source = source;
    this.path = path;
    this.mounted = mounted;
  }

  /** {@code source} (which must exist) as a read-only folder; {@code mountPoint} is used as root. */
  public static ReadOnly of(Path source, Path mountPoint) {
    try {
      if ("root".equals(System.getProperty("user.name"))) {
        Files.createDirectories(mountPoint);
        Run.Result bind = Run.of("mount", "--bind", source.toString(), mountPoint.toString()).go();
        Assumptions.assumeTrue(bind.exitCode() == 0, "cannot bind-mount here: " + bind);
        Run.Result ro = Run.of("mount", "-o", "remount,bind,ro", mountPoint.toString()).go();
        if (ro.exitCode() != 0) {
          Run.of("umount", mountPoint.toString()).go();
          Assumptions.abort("cannot remount read-only here: " + ro);
        }
        return check(new ReadOnly(source, mountPoint, true));
      }
      Run.Result chmod = Run.of("chmod", "-R", "a-w", source.toString()).go();
      if (chmod.exitCode() != 0) {
        throw new IllegalStateException(chmod.toString());
      }
      return check(new ReadOnly(source, source, false));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ReadOnly check(ReadOnly ro) {
    try {
      Files.delete(Files.createTempFile(ro.path, "probe", ".tmp"));
      ro.close();
      throw new IllegalStateException(ro.path + " is still writable");
    } catch (IOException expected) {
      return ro;
    }
  }

  /** Where to find it, read-only. */
  public Path path() {
    return path;
  }

  @Override
  public void close() {
    if (mounted) {
      Run.of("umount", path.toString()).go();
    } else {
      Run.of("chmod", "-R", "u+w", source.toString()).go();
    }
  }
}
