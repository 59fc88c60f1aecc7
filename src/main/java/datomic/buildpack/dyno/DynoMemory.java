package datomic.buildpack.dyno;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The memory this dyno may use: cgroup v2 {@code memory.max}, else cgroup v1 {@code
 * memory.limit_in_bytes} (values above 1 TiB mean "no limit"), else the machine's memory, which
 * is no limit ({@code limited} false: heroku local, a shell; {@link Heap} then does not size a
 * heap from all of it).
 */
public record DynoMemory(long megabytes, String source, boolean limited) {
  private static final long NO_LIMIT_ABOVE = 1L << 40;

  /** A limit of {@code megabytes} (a dyno's). */
  public DynoMemory(long megabytes, String source) {
    this(megabytes, source, true);
  }

  public static DynoMemory detect(Path cgroupRoot) {
    OptionalLong v2 = read(cgroupRoot.resolve("memory.max"));
    if (v2.isPresent()) {
      return new DynoMemory(v2.getAsLong() >> 20, "cgroup v2 memory.max");
    }
    OptionalLong v1 = read(cgroupRoot.resolve("memory/memory.limit_in_bytes"));
    if (v1.isPresent()) {
      return new DynoMemory(v1.getAsLong() >> 20, "cgroup v1 memory.limit_in_bytes");
    }
    long total = ((com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    return new DynoMemory(total >> 20, "the machine's memory (no cgroup limit)", false);
  }

  private static OptionalLong read(Path file) {
    try {
      String text = Files.readString(file).strip();
      if (text.equals("max")) {
        return OptionalLong.empty();
      }
      long bytes = Long.parseLong(text);
      return bytes <= 0 || bytes > NO_LIMIT_ABOVE ? OptionalLong.empty() : OptionalLong.of(bytes);
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
