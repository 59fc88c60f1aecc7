import clojure.java.api.Clojure;
import clojure.lang.IFn;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * What one call of the shipped metrics callback costs (bench/metrics/run). Loads
 * datomic-buildpack.metrics from its source with real Clojure, builds a report shaped like an
 * active transactor's (about thirty metrics, both value shapes, an alarm), and times
 * {@code lines} (the pure part) and {@code handler} (lines + printing to a discarding stdout).
 *
 * <pre>java -cp CLOJURE_JARS:CLASSES MetricsBench SOURCE.clj [ROUNDS] [CALLS]</pre>
 */
public final class MetricsBench {
  static final String REPORT = "{:AvailableMB 812.0 :ObjectCacheCount 51234 :Datoms 1234567"
      + " :MemoryIndexMB 12.5 :RemotePeers 3 :IndexDatoms 0 :GarbageSegments 17"
      + " :Alarm 1 :AlarmBackPressure 1"
      + " :HeartbeatMsec {:lo 5000 :hi 5012 :sum 60031 :count 12}"
      + " :ObjectCache {:lo 0 :hi 1 :sum 9501 :count 10000}"
      + " :Memcache {:lo 0 :hi 1 :sum 812 :count 1000}"
      + " :TransactionMsec {:lo 1 :hi 87 :sum 1234 :count 321}"
      + " :TransactionBytes {:lo 120 :hi 98000 :sum 1234567 :count 321}"
      + " :TransactionDatoms {:lo 1 :hi 900 :sum 12345 :count 321}"
      + " :TransactionBatch {:lo 1 :hi 8 :sum 400 :count 321}"
      + " :StorageGetMsec {:lo 0 :hi 40 :sum 900 :count 600}"
      + " :StoragePutMsec {:lo 1 :hi 55 :sum 1900 :count 330}"
      + " :StorageGetBytes {:lo 100 :hi 65000 :sum 9000000 :count 600}"
      + " :StoragePutBytes {:lo 100 :hi 65000 :sum 4000000 :count 330}"
      + " :StorageBackoff {:lo 0 :hi 0 :sum 0 :count 0}"
      + " :LogWriteMsec {:lo 1 :hi 20 :sum 700 :count 321}"
      + " :IndexWriteMsec {:lo 3 :hi 300 :sum 3000 :count 40}"
      + " :GcPauseMsec {:lo 2 :hi 45 :sum 300 :count 20}}";

  public static void main(String[] args) {
    Clojure.var("clojure.core", "load-file").invoke(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int calls = args.length > 2 ? Integer.parseInt(args[2]) : 20000;
    IFn lines = Clojure.var("datomic-buildpack.metrics", "lines");
    IFn handler = Clojure.var("datomic-buildpack.metrics", "handler");
    Object report = Clojure.read(REPORT);
    @SuppressWarnings("unchecked")
    List<String> out = (List<String>) lines.invoke(report, "transactor.1");
    System.out.println("report: " + ((java.util.Map<?, ?>) report).size() + " metrics -> "
        + out.size() + " lines, " + out.stream().mapToInt(String::length).sum() + " chars:");
    out.forEach(l -> System.out.println("  " + l));

    // A cold call: the first report after start (no JIT yet), as Datomic makes it at start.
    PrintStream real = System.out;
    PrintStream discard = new PrintStream(OutputStream.nullOutputStream(), false);
    System.setOut(discard);
    long cold = System.nanoTime();
    handler.invoke(report);
    cold = System.nanoTime() - cold;
    System.setOut(real);
    System.out.println("first handler call (cold): " + cold / 1000 + " us");

    // CPU time of this thread as well as wall time: on a shared, loaded machine the wall time
    // also counts the time other processes had the CPU.
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    long sink = 0;
    for (int round = 1; round <= rounds; round++) {
      long t0 = System.nanoTime();
      long c0 = cpu.getCurrentThreadCpuTime();
      for (int i = 0; i < calls; i++) {
        sink += ((List<?>) lines.invoke(report, "transactor.1")).size();
      }
      long t1 = System.nanoTime();
      long c1 = cpu.getCurrentThreadCpuTime();
      System.setOut(discard);
      for (int i = 0; i < calls; i++) {
        handler.invoke(report);
      }
      long t2 = System.nanoTime();
      long c2 = cpu.getCurrentThreadCpuTime();
      System.setOut(real);
      System.out.println("round " + round + " (" + calls + " calls): lines " + us(c1 - c0, calls)
          + " us CPU (" + us(t1 - t0, calls) + " wall), handler " + us(c2 - c1, calls)
          + " us CPU (" + us(t2 - t1, calls) + " wall) per call");
    }
    if (sink == 42) {
      System.out.println();
    }
  }

  static String us(long nanos, int calls) {
    return Long.toString(nanos / calls / 1000) + "." + (nanos / calls / 100) % 10;
  }
}
