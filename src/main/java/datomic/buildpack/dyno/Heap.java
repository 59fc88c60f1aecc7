package datomic.buildpack.dyno;

import datomic.buildpack.config.Advice;
import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.DynoTypes;
import datomic.buildpack.config.Environment;
import datomic.buildpack.output.UserError;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Datomic JVM's heap ({@code -Xmx} = {@code -Xms}) and where it came from: a config var when
 * set, else derived from the dyno's memory limit (all but a quarter, leaving at least 256 MB for
 * the JVM itself). Every process (the transactor, the peer server, backups and restores,
 * create-database) sizes itself here, with the same bounds: at least {@link #MIN_MB}, and no more
 * than leaves {@link #MIN_NON_HEAP_MB} of the dyno beside it.
 */
public record Heap(long megabytes, String source) {
  /** Memory the JVM needs besides its heap (metaspace, threads, buffers): at least 256 MB. */
  public static final long MIN_NON_HEAP_MB = 256;
  /**
   * The smallest heap of any Datomic JVM here: the transactor refuses less
   * ({@code :db.error/not-enough-memory}), and {@code -Xmx0g} (what {@code 1k} or {@code 0m}
   * would become) is a JVM that never starts.
   */
  public static final long MIN_MB = 256;

  /**
   * Whose heap it is: the process as messages name it ("peer server"), the config var that sets
   * it ({@code null} when none does), its Procfile process type ({@code null} for a one-off dyno's command, which gets a larger
   * dyno with {@code heroku run --size}), and memory other JVMs keep on the same dyno.
   */
  public record Owner(String what, String xmxVar, String processType, long reservedMb,
      String reservedFor) {
    public Owner(String what, String xmxVar, String processType) {
      this(what, xmxVar, processType, 0, "");
    }
  }

  /** The heap for a dyno of {@code dynoMb}: all but a quarter of it, leaving at least 256 MB. */
  public static long forDyno(long dynoMb) {
    return dynoMb - Math.max(dynoMb / 4, MIN_NON_HEAP_MB);
  }

  /**
   * The heap of {@code owner}: its config var when set, else derived from {@code dyno}; empty
   * when neither is known (the release phase runs on a dyno of its own). Refused, saying what
   * fits and on which dyno type, when it is under {@link #MIN_MB} or does not fit the dyno.
   */
  public static Optional<Heap> decide(ConfigRegistry registry, Environment env, Owner owner,
      Optional<DynoMemory> dyno) {
    Advice advice = Advice.of(env);
    Optional<String> set = owner.xmxVar() == null ? Optional.empty()
        : registry.value(env, owner.xmxVar());
    Heap heap;
    if (set.isPresent()) {
      heap = new Heap(Size.megabytes(set.get()), "config var " + owner.xmxVar());
      if (heap.megabytes < MIN_MB) {
        throw tooSmallSetting(owner, set.get(), heap, advice);
      }
      if (dyno.isEmpty() && !advice.local()) {
        heap.checkSomeDynoFits(owner, advice);
      }
    } else if (dyno.isPresent()) {
      heap = derived(dyno.get(), owner, advice);
      if (heap.megabytes < MIN_MB) {
        throw tooSmallDyno(owner, dyno.get(), heap, advice);
      }
    } else {
      return Optional.empty();
    }
    dyno.ifPresent(d -> heap.checkFits(d, owner, advice));
    return Optional.of(heap);
  }

  private static Heap derived(DynoMemory dyno, Owner owner, Advice advice) {
    long available = dyno.megabytes() - owner.reservedMb();
    if (!dyno.limited()) {
      // No container limit (heroku local, a shell): not three quarters of the whole machine, but
      // the heap of the smallest Private Space dyno, the smallest dyno this product runs on.
      DynoTypes.Type modest = DynoTypes.smallest(DynoTypes.Family.PRIVATE);
      long heap = Math.min(forDyno(modest.megabytes() - owner.reservedMb()), forDyno(available));
      return new Heap(heap, "a " + modest.name() + " dyno's default ("
          + DynoTypes.memory(modest.megabytes()) + "): no cgroup limit here, the machine has "
          + dyno.megabytes() + " MB" + (owner.xmxVar() == null ? ""
              : "; for another, " + advice.configSet(owner.xmxVar(), "SIZE")));
    }
    String of = owner.reservedMb() == 0 ? dyno.megabytes() + " MB"
        : available + " MB (" + dyno.megabytes() + " MB less " + owner.reservedMb() + " MB for "
            + owner.reservedFor() + ")";
    return new Heap(forDyno(available), "derived from " + of + " (" + dyno.source() + ")");
  }

  /** {@code -Xmx768m}, {@code -Xms768m}. */
  public String xmx() {
    return "-Xmx" + Size.format(megabytes);
  }

  public String xms() {
    return "-Xms" + Size.format(megabytes);
  }

  /** The memory a dyno needs for this heap: the heap, the JVM's own, and the owner's reserve. */
  long dynoNeed(Owner owner) {
    return megabytes + MIN_NON_HEAP_MB + owner.reservedMb();
  }

  private static UserError tooSmallSetting(Owner owner, String value, Heap heap, Advice advice) {
    return new UserError(owner.xmxVar() + "=" + value + " is a heap of " + heap.megabytes
            + " MB; every Datomic process needs at least " + Size.format(MIN_MB) + ".",
        "The transactor refuses a smaller heap, and other Datomic JVMs fail to start with one.",
        "Set " + Size.format(MIN_MB) + " or more: " + advice.configSet(owner.xmxVar(),
            Size.format(MIN_MB)) + ", or derive the heap from the dyno: "
            + advice.configUnset(owner.xmxVar()));
  }

  private static UserError tooSmallDyno(Owner owner, DynoMemory dyno, Heap heap, Advice advice) {
    long need = MIN_MB + MIN_NON_HEAP_MB + owner.reservedMb();
    List<String> lines = new ArrayList<>();
    lines.add("The " + owner.what() + " needs a dyno of at least " + need + " MB"
        + " (a " + Size.format(MIN_MB) + " heap and " + MIN_NON_HEAP_MB + " MB for the JVM"
        + (owner.reservedMb() > 0 ? " and " + owner.reservedMb() + " MB for "
            + owner.reservedFor() : "") + ").");
    advice.dynoFor(owner.processType(), need).ifPresent(c -> lines.add("Use a larger dyno: " + c));
    return new UserError("This dyno's " + dyno.megabytes() + " MB (" + dyno.source()
        + ") leave the " + owner.what() + " a heap of " + heap.megabytes + " MB, less than the "
        + Size.format(MIN_MB) + " every Datomic process needs.", lines.toArray(String[]::new));
  }

  /**
   * Refuses a heap that leaves the JVM less than {@link #MIN_NON_HEAP_MB} of {@code dyno},
   * naming the largest heap that fits this dyno and the smallest dyno type of the app's family
   * that fits this heap.
   */
  private void checkFits(DynoMemory dyno, Owner owner, Advice advice) {
    if (dynoNeed(owner) <= dyno.megabytes()) {
      return;
    }
    long largest = dyno.megabytes() - MIN_NON_HEAP_MB - owner.reservedMb();
    List<String> lines = new ArrayList<>();
    String where = advice.local() ? "this machine" : "this dyno";
    if (largest >= MIN_MB) {
      lines.add("The largest heap that fits " + where + " is " + Size.format(largest) + ": "
          + advice.configSet(owner.xmxVar(), Size.format(largest)) + ".");
      lines.add(advice.local() ? "Or remove " + owner.xmxVar() + " from .env for the default."
          : "Or unset " + owner.xmxVar() + " to derive the heap from the dyno.");
    }
    if (!advice.local()) {
      Optional<String> larger = advice.dynoFor(owner.processType(), dynoNeed(owner));
      if (larger.isPresent()) {
        lines.add("For a " + Size.format(megabytes) + " heap, use a dyno of at least "
            + dynoNeed(owner) + " MB: " + larger.get());
      } else {
        lines.add(noDynoFits(owner, advice));
      }
    }
    throw new UserError("The " + owner.what() + " heap (" + Size.format(megabytes) + ", from "
        + source + ") does not fit " + where + "'s " + dyno.megabytes() + " MB of memory with "
        + MIN_NON_HEAP_MB + " MB left for the JVM itself"
        + (owner.reservedMb() > 0 ? " and " + owner.reservedMb() + " MB for "
            + owner.reservedFor() : "") + ".", lines.toArray(String[]::new));
  }

  /** In the release phase: a set heap larger than any dyno of the app's family is refused. */
  private void checkSomeDynoFits(Owner owner, Advice advice) {
    if (DynoTypes.smallestWith(advice.family(), dynoNeed(owner)).isEmpty()) {
      throw new UserError("The " + owner.what() + " heap (" + Size.format(megabytes) + ", from "
          + source + ") fits no dyno type this app can use.", noDynoFits(owner, advice));
    }
  }

  private String noDynoFits(Owner owner, Advice advice) {
    DynoTypes.Type largest = DynoTypes.largest(advice.family());
    long most = largest.megabytes() - MIN_NON_HEAP_MB - owner.reservedMb();
    return "The largest dyno type, " + largest.described() + ", fits a heap of at most "
        + Size.format(most) + ": " + advice.configSet(owner.xmxVar(), Size.format(most))
        + ", with " + advice.dynoCommand(owner.processType(), largest);
  }
}
