package datomic.buildpack.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clojure.java.api.Clojure;
import clojure.lang.IFn;
import datomic.buildpack.testsupport.Locks;
import datomic.buildpack.testsupport.Repo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The shipped metrics callback, {@code datomic-buildpack.metrics}, loaded from its source with
 * real Clojure and called with maps shaped like Datomic's (keyword to number, or to
 * {@code {:lo :hi :sum :count}}); the lines it prints are asserted exactly.
 */
@ResourceLock(Locks.CLOJURE)
class MetricsClojureTest {
  static final Path SOURCE = Repo.root().resolve(
      "src/main/resources/datomic/buildpack/slug/clj/datomic_buildpack/metrics.clj");
  /**
   * What l2met parses: logfmt pairs; a measurement is {@code sample#, count# or measure#} NAME
   * {@code =} digits with one optional dot, then an optional unit of letters.
   */
  static final Pattern MEASUREMENT =
      Pattern.compile("(sample|count|measure)#[A-Za-z0-9_.\\-]+=[0-9]+(\\.[0-9]+)?[A-Za-z]*");
  static final Pattern PAIR = Pattern.compile("[a-z.]+=([^\\s\"#]+|\"[^\"]*\")");

  static IFn lines;
  static IFn handler;

  @BeforeAll
  static void load() {
    Clojure.var("clojure.core", "load-file").invoke(SOURCE.toString());
    lines = Clojure.var("datomic-buildpack.metrics", "lines");
    handler = Clojure.var("datomic-buildpack.metrics", "handler");
  }

  @SuppressWarnings("unchecked")
  static List<String> lines(String edn, String source) {
    return new ArrayList<>((List<String>) lines.invoke(Clojure.read(edn), source));
  }

  @Test
  void anActiveTransactorsReportIsOneLineWithBothValueShapesAndUnits() {
    assertEquals(List.of("source=transactor.1 role=active"
            + " sample#datomic.AvailableMB=812MB"
            + " sample#datomic.HeartbeatMsec.avg=5001ms sample#datomic.HeartbeatMsec.max=5003ms"
            + " count#datomic.HeartbeatMsec.count=12"
            + " sample#datomic.ObjectCache.avg=0.95 sample#datomic.ObjectCache.max=1"
            + " count#datomic.ObjectCache.count=100"
            + " sample#datomic.ObjectCacheCount=5000"
            + " sample#datomic.StoragePutBytes.avg=1366.667bytes"
            + " sample#datomic.StoragePutBytes.max=2000bytes"
            + " count#datomic.StoragePutBytes.count=3"
            + " sample#datomic.TransactionMsec.avg=12.5ms sample#datomic.TransactionMsec.max=40ms"
            + " count#datomic.TransactionMsec.count=4"),
        lines("{:AvailableMB 812.0, :ObjectCacheCount 5000,"
            + " :HeartbeatMsec {:lo 5000 :hi 5003 :sum 60012 :count 12},"
            + " :TransactionMsec {:lo 1 :hi 40 :sum 50 :count 4},"
            + " :StoragePutBytes {:lo 100 :hi 2000 :sum 4100 :count 3},"
            + " :ObjectCache {:lo 0 :hi 1 :sum 95 :count 100}}", "transactor.1"));
  }

  @Test
  void aStandbySaysSoAndAPeersReportHasNoRole() {
    assertEquals(List.of("source=transactor.2 role=standby"
            + " sample#datomic.AvailableMB=900MB sample#datomic.HeartMonitorMsec.avg=5000ms"
            + " sample#datomic.HeartMonitorMsec.max=5000ms count#datomic.HeartMonitorMsec.count=11"),
        lines("{:HeartMonitorMsec {:lo 5000 :hi 5000 :sum 55000 :count 11} :AvailableMB 900}",
            "transactor.2"));
    assertEquals(List.of("source=peer-server.1 sample#datomic.ObjectCacheCount=17"),
        lines("{:ObjectCacheCount 17}", "peer-server.1"));
  }

  @Test
  void namesDatomicAddsLaterPassThroughWithTheirUnits() {
    assertEquals(List.of("source=transactor.1 sample#datomic.NewThing.avg=1.5"
            + " sample#datomic.NewThing.max=2 count#datomic.NewThing.count=2"
            + " sample#datomic.SomeFutureMetricMB=3MB sample#datomic.foo_bar=1"),
        lines("{:SomeFutureMetricMB 3, :NewThing {:lo 1 :hi 2 :sum 3 :count 2}, :foo/bar 1}",
            "transactor.1"));
    // a keyword no reader writes (a space in it) is cleaned to what l2met accepts
    @SuppressWarnings("unchecked")
    List<String> odd = (List<String>) lines.invoke(Clojure.var("clojure.core", "hash-map")
        .invoke(Clojure.var("clojure.core", "keyword").invoke("Odd Name=x"), 4L), null);
    assertEquals(List.of("sample#datomic.Odd_Name_x=4"), odd);
  }

  @Test
  void negativeNonFiniteAndNonNumericValuesAreLeftOutOthersAreWrittenPlainly() {
    assertEquals(List.of("source=transactor.1 count#datomic.F.count=2"
            + " sample#datomic.G=100000000000000000000 sample#datomic.H=0 sample#datomic.I=0.667"
            + " sample#datomic.J=12 sample#datomic.K=1.5 count#datomic.L.count=0"
            + " sample#datomic.M=0 sample#datomic.N=7"),
        lines("{:A -1, :B ##NaN, :C ##Inf, :D \"text\", :E nil, :X ##-Inf, :Y :kw, :Z [1 2],"
            + " :F {:lo -5 :hi -1 :sum -6 :count 2}, :G 1e20, :H 1.0E-7, :I 2/3, :J 12N,"
            + " :K 1.5M, :L {:count 0}, :M -0.0, :N 7.0004, :O {:lo 1}}", "transactor.1"));
  }

  @Test
  void alarmsGetAWarningLineALogAlertCanMatch() {
    assertEquals(List.of(
        "source=transactor.1 role=active sample#datomic.Alarm=1"
            + " sample#datomic.AlarmBackPressure=0 sample#datomic.AlarmIndexingJobFailed=1"
            + " sample#datomic.AlarmUnhandledException.avg=1"
            + " sample#datomic.AlarmUnhandledException.max=1"
            + " count#datomic.AlarmUnhandledException.count=2"
            + " sample#datomic.HeartbeatMsec.avg=5000ms sample#datomic.HeartbeatMsec.max=5000ms"
            + " count#datomic.HeartbeatMsec.count=1",
        "source=transactor.1 role=active at=warn datomic.alarm=Alarm count=1"
            + " msg=\"Datomic alarm Alarm: see this dyno's log\"",
        "source=transactor.1 role=active at=warn datomic.alarm=AlarmIndexingJobFailed count=1"
            + " msg=\"Datomic alarm AlarmIndexingJobFailed: see this dyno's log\"",
        "source=transactor.1 role=active at=warn datomic.alarm=AlarmUnhandledException count=2"
            + " msg=\"Datomic alarm AlarmUnhandledException: see this dyno's log\""),
        lines("{:Alarm 1, :AlarmIndexingJobFailed 1, :AlarmBackPressure 0, :AlarmBogus -1,"
            + " :AlarmUnhandledException {:lo 1 :hi 1 :sum 2 :count 2},"
            + " :HeartbeatMsec {:lo 5000 :hi 5000 :sum 5000 :count 1}}", "transactor.1"));
  }

  @Test
  void emptyOrNonMapReportsPrintNothingAndNoSourceMeansNoSourceField() {
    assertEquals(List.of(), lines("{}", "transactor.1"));
    assertEquals(List.of(), lines("nil", "transactor.1"));
    assertEquals(List.of(), lines("[1 2 3]", "transactor.1"));
    assertEquals(List.of(), lines("{:A \"x\" :B {:lo 1}}", "transactor.1"));
    assertEquals(List.of("sample#datomic.Datoms=3"), lines("{:Datoms 3}", null));
    assertEquals(List.of("source=run.1_x sample#datomic.Datoms=3"), lines("{:Datoms 3}", "run.1 x"));
  }

  @Test
  void aLongReportIsSplitIntoLinesOfTwentyMeasurementsEachWithSourceAndRole() {
    StringBuilder edn = new StringBuilder("{:HeartbeatMsec {:lo 1 :hi 1 :sum 1 :count 1}");
    for (int i = 10; i < 40; i++) {
      edn.append(" :M").append(i).append(' ').append(i);
    }
    List<String> out = lines(edn.append('}').toString(), "transactor.1");
    assertEquals(2, out.size(), out.toString());
    assertEquals(20, out.get(0).split(" sample#| count#").length - 1, out.get(0));
    assertEquals(13, out.get(1).split(" sample#| count#").length - 1, out.get(1));
    out.forEach(l -> assertTrue(l.startsWith("source=transactor.1 role=active "), l));
    assertTrue(out.get(1).endsWith("sample#datomic.M39=39"), out.get(1));
  }

  @Test
  void everyLineL2metReadsWhateverTheValues() {
    Random random = new Random(7);
    String[] values = {"-1", "0", "1", "12.75", "-0.5", "1e300", "1e-300", "##NaN", "##Inf",
        "##-Inf", "\"s\"", "nil", "3/7", "123456789012345678901234567890N", "0.1M", "-2M"};
    for (int round = 0; round < 300; round++) {
      StringBuilder edn = new StringBuilder("{");
      for (int i = 0; i < 1 + random.nextInt(40); i++) {
        String v = values[random.nextInt(values.length)];
        edn.append(" :").append(random.nextBoolean() ? "AlarmX" : "N").append(i).append("Msec ");
        edn.append(random.nextBoolean() ? v : "{:lo " + v + " :hi "
            + values[random.nextInt(values.length)] + " :sum "
            + values[random.nextInt(values.length)] + " :count "
            + values[random.nextInt(values.length)] + "}");
      }
      for (String line : lines(edn.append('}').toString(), "transactor.1")) {
        for (String token : line.replaceAll("msg=\"[^\"]*\"", "msg=x").split(" ")) {
          assertTrue(MEASUREMENT.matcher(token).matches() || PAIR.matcher(token).matches(),
              "l2met cannot read '" + token + "' in: " + line + "\nfrom " + edn);
        }
      }
    }
  }

  @Test
  void theHandlerPrintsTheLinesToStdoutAndNeverThrows() {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      handler.invoke(Clojure.read("{:AvailableMB 5 :HeartbeatMsec {:lo 1 :hi 1 :sum 1 :count 1}}"));
      handler.invoke(Clojure.read("{}"));
      handler.invoke(Clojure.read("\"not a map\""));
      handler.invoke(null);
    } finally {
      System.setOut(original);
    }
    String source = System.getenv("DYNO") == null ? "" : "source=" + System.getenv("DYNO") + " ";
    assertEquals(source + "role=active sample#datomic.AvailableMB=5MB"
            + " sample#datomic.HeartbeatMsec.avg=1ms sample#datomic.HeartbeatMsec.max=1ms"
            + " count#datomic.HeartbeatMsec.count=1\n",
        captured.toString(StandardCharsets.UTF_8));
  }

  /**
   * One bad value costs its own measurements, never the minute's report, even when reading it
   * throws an Error: a key nested too deep to print (StackOverflowError), a Number whose
   * doubleValue throws. The handler prints the rest and one line on stderr; it never throws.
   */
  @Test
  void aValueThatThrowsAnErrorCostsItsOwnMeasurementsOnly() {
    // A key whose text cannot be made: printing it overflows the stack, as a key nested deeper
    // than the stack does.
    Object deep = new Object() {
      @Override
      public String toString() {
        return "(" + this + ")";
      }
    };
    Number bad = new Number() {
      @Override
      public int intValue() {
        throw new AssertionError("bad number");
      }

      @Override
      public long longValue() {
        throw new AssertionError("bad number");
      }

      @Override
      public float floatValue() {
        throw new AssertionError("bad number");
      }

      @Override
      public double doubleValue() {
        throw new AssertionError("bad number");
      }
    };
    clojure.lang.IPersistentMap report = clojure.lang.PersistentHashMap.create(
        clojure.lang.Keyword.intern("AvailableMB"), 5L,
        clojure.lang.Keyword.intern("BadValue"), bad,
        deep, 7L,
        clojure.lang.Keyword.intern("ObjectCacheCount"), 12L);
    @SuppressWarnings("unchecked")
    List<String> printed = (List<String>) lines.invoke(report, "transactor.1");
    assertEquals(List.of("source=transactor.1 sample#datomic.AvailableMB=5MB"
        + " sample#datomic.ObjectCacheCount=12"), printed);

    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
    try {
      handler.invoke(report);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    assertTrue(captured.toString(StandardCharsets.UTF_8).contains(
        "sample#datomic.AvailableMB=5MB sample#datomic.ObjectCacheCount=12"), captured.toString());
    assertEquals("datomic-buildpack.metrics: left out 2 metric(s) whose name or value could not"
        + " be read\n", errors.toString(StandardCharsets.UTF_8));
  }
}
