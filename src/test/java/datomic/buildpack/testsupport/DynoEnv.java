package datomic.buildpack.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The environment of a simulated dyno: its name and its memory limit, a cgroup (v2) folder whose
 * {@code memory.max} the buildpack reads through {@code DATOMIC_BUILDPACK_CGROUP_ROOT} instead of
 * {@code /sys/fs/cgroup}.
 */
public final class DynoEnv {
  /** A Standard-2X / Private-S dyno's memory. */
  public static final long ONE_GB = 1L << 30;
  public static final String CGROUP_ROOT = "DATOMIC_BUILDPACK_CGROUP_ROOT";

  private DynoEnv() {}

  /** {@code dir} (created if missing) as a cgroup v2 folder that limits memory to {@code bytes}. */
  public static Path cgroup(Path dir, long bytes) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("memory.max"), Long.toString(bytes));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code DYNO=dyno} and a memory limit of {@code bytes} in the cgroup folder {@code cgroupDir}:
   * a mutable map, for the test to add its config vars to.
   */
  public static Map<String, String> of(String dyno, Path cgroupDir, long bytes) {
    Map<String, String> env = new HashMap<>();
    env.put("DYNO", dyno);
    env.put(CGROUP_ROOT, cgroup(cgroupDir, bytes).toString());
    return env;
  }
}
