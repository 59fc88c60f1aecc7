package datomic.buildpack.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Dyno;
import datomic.buildpack.testsupport.DynoEnv;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics wiring at a transactor's boot, end to end: the compiled slug's
 * {@code .datomic/clj}, the {@code metrics-callback} property and {@code DATOMIC_EXT_CLASSPATH}.
 * The stub transactor does what Datomic does with them (with real Clojure): requires the
 * callback's namespace on that classpath and calls it with a report, on the dyno's stdout.
 */
class MetricsBootIT {
  @TempDir static Path shared;
  static BuildFixture app;
  @TempDir Path tmp;

  @BeforeAll
  static void compileOnce() {
    app = BuildFixture.compiled("minimal-transactor", shared);
  }

  @AfterAll
  static void close() {
    app.close();
  }

  /** clojure.jar and the spec jars it needs, from this test's own classpath. */
  static String clojureClasspath() {
    List<String> jars = new ArrayList<>();
    for (String resource : List.of("clojure/core.clj", "clojure/spec/alpha.clj",
        "clojure/core/specs/alpha.clj")) {
      URL url = MetricsBootIT.class.getClassLoader().getResource(resource);
      String s = String.valueOf(url);
      assertTrue(s.startsWith("jar:file:"), resource + " comes from a jar: " + s);
      jars.add(s.substring("jar:file:".length(), s.indexOf("!/")));
    }
    return String.join(":", jars);
  }

  Map<String, String> dyno(String name) throws IOException {
    Map<String, String> env = DynoEnv.of(name, tmp.resolve("cgroup-" + name), DynoEnv.ONE_GB);
    env.put("HEROKU_PRIVATE_IP", "10.0.0.1");
    return env;
  }

  static boolean await(Dyno dyno, String text, long seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (dyno.stdout().contains(text)) {
        return true;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  @Test
  void theSlugCarriesTheCallbackSourceAsShipped() throws IOException {
    assertEquals(Files.readString(MetricsClojureTest.SOURCE), Files.readString(
        app.build().resolve(".datomic/clj/datomic_buildpack/metrics.clj")));
  }

  @Test
  void byDefaultTheTransactorRequiresTheShippedCallbackAndItsLinesReachStdout()
      throws IOException {
    Map<String, String> env = dyno("transactor.1");
    env.put("STUB_CLOJURE_CLASSPATH", clojureClasspath());
    env.put("STUB_METRICS", "{:AvailableMB 812.0 :AlarmBackPressure 1"
        + " :HeartbeatMsec {:lo 5000 :hi 5002 :sum 10002 :count 2}}");
    try (Dyno dyno = Dyno.start(app.build(), "transactor", env, tmp.resolve("d"))) {
      assertTrue(dyno.awaitStarted(90), dyno.output());
      assertTrue(await(dyno, "datomic.alarm=", 120), dyno.output());
      assertEquals(MetricsCallback.SHIPPED, dyno.properties().getProperty("metrics-callback"));
      assertEquals(app.build().resolve(".datomic/clj").toString(),
          dyno.argument("ENV_DATOMIC_EXT_CLASSPATH"));
      String out = dyno.stdout();
      assertTrue(out.contains("\nsource=transactor.1 role=active sample#datomic.AlarmBackPressure=1"
          + " sample#datomic.AvailableMB=812MB sample#datomic.HeartbeatMsec.avg=5001ms"
          + " sample#datomic.HeartbeatMsec.max=5002ms count#datomic.HeartbeatMsec.count=2\n"), out);
      assertTrue(out.contains("\nsource=transactor.1 role=active at=warn"
          + " datomic.alarm=AlarmBackPressure count=1"
          + " msg=\"Datomic alarm AlarmBackPressure: see this dyno's log\"\n"), out);
      // the boot summary says what is wired and where it came from
      assertTrue(out.contains("metrics-callback         datomic-buildpack.metrics/handler"
          + "  (buildpack default, DATOMIC_METRICS=on)"), out);
      assertTrue(out.contains("metrics   l2met lines on stdout every minute, source=transactor.1"
          + " (datomic-buildpack.metrics/handler from .datomic/clj; DATOMIC_METRICS=off turns"
          + " it off)"), out);
      assertFalse(dyno.stderr().contains("Unable to send metrics"), dyno.stderr());
    }
  }

  @Test
  void metricsOffLeavesNoCallbackAndNothingOnTheClasspath() throws IOException {
    Map<String, String> env = dyno("transactor.1");
    env.put("DATOMIC_METRICS", "off");
    try (Dyno dyno = Dyno.start(app.build(), "transactor", env, tmp.resolve("d"))) {
      assertTrue(dyno.awaitStarted(90), dyno.output());
      assertNull(dyno.properties().getProperty("metrics-callback"));
      assertEquals("", dyno.argument("ENV_DATOMIC_EXT_CLASSPATH"));
      assertTrue(dyno.stdout().contains("metrics   off (DATOMIC_METRICS=off)"), dyno.stdout());
    }
  }

  @Test
  void aUsersOwnCallbackWinsAndKeepsTheirClasspathOnly() throws IOException {
    Map<String, String> env = dyno("transactor.1");
    env.put("DATOMIC_METRICS_CALLBACK", "my.metrics/report");
    env.put("DATOMIC_EXT_CLASSPATH", "lib/metrics.jar");
    try (Dyno dyno = Dyno.start(app.build(), "transactor", env, tmp.resolve("d"))) {
      assertTrue(dyno.awaitStarted(90), dyno.output());
      assertEquals("my.metrics/report", dyno.properties().getProperty("metrics-callback"));
      assertEquals(app.build().resolve("lib/metrics.jar").toString(),
          dyno.argument("ENV_DATOMIC_EXT_CLASSPATH"));
      assertTrue(dyno.stdout().contains("metrics   your callback my.metrics/report"
          + " (config var DATOMIC_METRICS_CALLBACK)"), dyno.stdout());
    }
  }

  @Test
  void theUsersClasspathIsMergedWithTheCallbacksFolder() throws IOException {
    Map<String, String> env = dyno("transactor.1");
    env.put("DATOMIC_EXT_CLASSPATH", "lib/extra.jar:/opt/other.jar");
    try (Dyno dyno = Dyno.start(app.build(), "transactor", env, tmp.resolve("d"))) {
      assertTrue(dyno.awaitStarted(90), dyno.output());
      assertEquals(app.build().resolve(".datomic/clj") + ":" + app.build().resolve("lib/extra.jar")
          + ":/opt/other.jar", dyno.argument("ENV_DATOMIC_EXT_CLASSPATH"));
    }
  }
}
