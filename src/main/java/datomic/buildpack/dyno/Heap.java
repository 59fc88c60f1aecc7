package datomic.buildpack.dyno;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.output.UserError;
import java.util.Optional;

/**
 * A Datomic JVM's heap ({@code -Xmx} = {@code -Xms}) and where it came from: a config var when
 * set, else derived from the dyno's memory limit (all but a quarter, leaving at least 256 MB for
 * the JVM itself). The transactor and the peer server size themselves the same way.
 */
public record Heap(long megabytes, String source) {
  /** Memory the JVM needs besides its heap (metaspace, threads, buffers): at least 256 MB. */
  public static final long MIN_NON_HEAP_MB = 256;

  /** The heap for a dyno of {@code dynoMb}: all but a quarter of it, leaving at least 256 MB. */
  public static long forDyno(long dynoMb) {
    return dynoMb - Math.max(dynoMb / 4, MIN_NON_HEAP_MB);
  }

  /**
   * The heap from config var {@code overrideVar}, else derived from {@code dyno}; empty when
   * neither is known (the release phase runs on a dyno of its own).
   */
  public static Optional<Heap> decide(ConfigRegistry registry, Environment env,
      String overrideVar, Optional<DynoMemory> dyno) {
    Optional<String> set = registry.value(env, overrideVar);
    if (set.isPresent()) {
      return Optional.of(new Heap(Size.megabytes(set.get()), "config var " + overrideVar));
    }
    return dyno.map(d -> new Heap(forDyno(d.megabytes()),
        "derived from " + d.megabytes() + " MB (" + d.source() + ")"));
  }

  /** {@code -Xmx768m}, {@code -Xms768m}. */
  public String xmx() {
    return "-Xmx" + Size.format(megabytes);
  }

  public String xms() {
    return "-Xms" + Size.format(megabytes);
  }

  /**
   * Refuses a heap that leaves the JVM less than 256 MB of the dyno.
   *
   * @param what the process, as the message names it ("transactor", "peer server")
   * @param xmxVar the config var that sets it
   * @param processType the Procfile type, for the {@code heroku ps:type} advice
   */
  public void checkFits(Optional<DynoMemory> dyno, String what, String xmxVar,
      String processType) {
    if (dyno.isPresent() && megabytes + MIN_NON_HEAP_MB > dyno.get().megabytes()) {
      throw new UserError("The " + what + " heap (" + Size.format(megabytes) + ", from " + source
              + ") does not fit this dyno's " + dyno.get().megabytes() + " MB of memory with "
              + MIN_NON_HEAP_MB + " MB left for the JVM itself.",
          "Lower " + xmxVar + " (or unset it to derive the heap from the dyno), or use a larger",
          "dyno: heroku ps:type " + processType + "=performance-m");
    }
  }
}
