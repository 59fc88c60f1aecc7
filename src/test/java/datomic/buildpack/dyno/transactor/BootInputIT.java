package datomic.buildpack.dyno.transactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.heroku.Procfile;
import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Dyno;
import datomic.buildpack.testsupport.DynoEnv;
import datomic.buildpack.testsupport.Machine;
import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transactor dyno's boot fed careless input: the app's transactor.properties read exactly as
 * Datomic reads it, config vars that are not UTF-8 text, and an app path that is not ASCII on a
 * machine without a UTF-8 locale. Dev storage (no database): these are about the input.
 */
class BootInputIT {
  @TempDir static Path shared;
  static BuildFixture app;
  static String appProperties;

  @TempDir Path tmp;

  @BeforeAll
  static void compileOnce() throws IOException {
    app = BuildFixture.compiled("minimal-transactor", shared);
    appProperties = Files.readString(app.build().resolve("transactor.properties"));
  }

  @AfterAll
  static void close() {
    app.close();
  }

  @AfterEach
  void restoreTheAppsProperties() throws IOException {
    Files.writeString(app.build().resolve("transactor.properties"), appProperties);
  }

  Map<String, String> dyno() throws IOException {
    return DynoEnv.of("transactor.1", tmp.resolve("cgroup"), DynoEnv.ONE_GB);
  }

  Dyno boot(String properties, Map<String, String> env) throws IOException {
    Files.write(app.build().resolve("transactor.properties"),
        properties.getBytes(StandardCharsets.ISO_8859_1));
    return Dyno.start(app.build(), "transactor", env, tmp.resolve("dyno"));
  }

  static void assertRefused(Dyno dyno, String... parts) {
    assertNotEquals(0, dyno.awaitExit(60), dyno.output());
    for (String part : parts) {
      assertTrue(dyno.stderr().contains(part), "'" + part + "' in:\n" + dyno.output());
    }
    assertFalse(dyno.output().contains("Exception"), dyno.output());
    assertFalse(dyno.stdout().contains("System started"), dyno.output());
  }

  @Test
  void anEscapedKeyIsRefusedInsteadOfSkippingTheMemoryCheck() throws IOException {
    try (Dyno dyno = boot("memory-index-max\\ =9g\n", dyno())) {
      assertRefused(dyno, "Error: transactor.properties has the key \"memory-index-max\\ \","
          + " which holds a space or tab.", "Write it as memory-index-max=<value>");
    }
  }

  @Test
  void keysAreReadAsJavaReadsThemAndCheckedSo() throws IOException {
    // A unicode escape in the key, ':' with spaces as separator, the value on a continued line.
    try (Dyno dyno = boot("memory-index-m\\u0061x : \\\n      700m\n", dyno())) {
      assertRefused(dyno, "memory-index-max + object-cache-max exceed 75% of the heap",
          "memory-index-max=700m (transactor.properties)");
    }
  }

  @Test
  void aKeyGivenTwiceOrUnknownGetsAWarningAndTheLastValueCounts() throws IOException {
    try (Dyno dyno = boot("write-concurrency=2\nwrite-concurrency 3\nmemory-index-maxx=1g\n",
        dyno())) {
      assertTrue(dyno.awaitStarted(60), dyno.output());
      assertEquals("3", dyno.properties().getProperty("write-concurrency"));
      assertTrue(dyno.stderr().contains("Warning: transactor.properties sets write-concurrency 2"
          + " times; the last value (3) counts."), dyno.stderr());
      assertTrue(dyno.stderr().contains("Warning: transactor.properties sets memory-index-maxx"
          + " (did you mean memory-index-max?), not a transactor property this buildpack"
          + " knows."), dyno.stderr());
      assertEquals(null, dyno.properties().getProperty("memory-index-max "));
    }
  }

  @Test
  void valuesReachTheTransactorExactlyAsTheyWereChecked() throws IOException {
    Map<String, String> env = dyno();
    env.put("DATOMIC_SQL_VALIDATION_QUERY", "  SELECT 'caf\u00e9\\' \u2603");
    try (Dyno dyno = boot("default-partition=:x=y#z!\npid-file=a\\tb\\\\c\n", env)) {
      assertTrue(dyno.awaitStarted(60), dyno.output());
      Properties got = dyno.properties();
      assertEquals("  SELECT 'caf\u00e9\\' \u2603", got.getProperty("sql-validation-query"));
      assertEquals(":x=y#z!", got.getProperty("default-partition"));
      assertEquals("a\tb\\c", got.getProperty("pid-file"));
      String file = Files.readString(Path.of(dyno.argument("PROPS")), StandardCharsets.ISO_8859_1);
      assertTrue(file.chars().allMatch(c -> c == '\n' || c >= 0x20 && c < 0x7f),
          "the rendered file is ASCII, the same in any encoding Datomic reads it with:\n" + file);
    }
  }

  @Test
  void aSizeBeyondAnyHeapInTransactorPropertiesGetsTheRange() throws IOException {
    try (Dyno dyno = boot("object-cache-max=9999999999999999g\n", dyno())) {
      assertRefused(dyno, "object-cache-max=9999999999999999g (from transactor.properties) is not"
          + " a usable size.", "from `0m` to `1024g`");
    }
  }

  @Test
  void transactorPropertiesThatIsNotUtf8NamesTheLine() throws IOException {
    try (Dyno dyno = boot("port=4334\nmemcached=caf\u00e9\n", dyno())) {
      assertRefused(dyno, "Error: The app's transactor.properties is not valid UTF-8 text"
          + " (line 2).");
    }
  }

  @Test
  void aConfigVarThatIsNotUtf8IsNamedAtBoot() throws IOException {
    String[][] cases = {
        {"DATOMIC_SQL_VALIDATION_QUERY", "DATOMIC_SQL_VALIDATION_QUERY: its value is not valid"
            + " UTF-8 text."},
        {"DATABASE_URL", "Config var DATABASE_URL: its value is not valid UTF-8 text."},
        {"JAVA_OPTS", "Config var JAVA_OPTS: its value is not valid UTF-8 text."},
    };
    for (String[] c : cases) {
      // Bytes that are not UTF-8 cannot go through Java's own process environment: bash sets it.
      try (Dyno dyno = Dyno.command(app.build(), c[0] + "=$'-\\xff' " + Procfile.LAUNCH_COMMAND,
          dyno(), tmp.resolve("dyno-" + c[0]))) {
        assertRefused(dyno, c[1]);
        assertFalse(dyno.output().contains("\ufffd"), dyno.output());
      }
    }
  }

  @Test
  void aNonAsciiAppPathWorksWithoutAUtf8Locale() throws IOException {
    Map<String, String> cLocale = Map.of("LC_ALL", "C", "LANG", "C");
    try (BuildFixture zoe = BuildFixture.of("minimal-transactor", tmp.resolve("zo\u00eb"))
        .withDistribution()) {
      Run.Result r = Run.of(Repo.bin("compile"), zoe.build().toString(), zoe.cache().toString(),
          zoe.env().toString()).env(cLocale).go();
      assertEquals(0, r.exitCode(), r.toString());
      Map<String, String> env = dyno();
      env.putAll(cLocale);
      try (Dyno dyno = Dyno.start(zoe.build(), "transactor", env, tmp.resolve("dyno"))) {
        assertTrue(dyno.awaitStarted(60), dyno.output());
        assertTrue(dyno.arguments().get("OPT").contains("-Dlogback.configurationFile="
            + zoe.build().resolve(".datomic/logback.xml")), dyno.arguments().toString());
      }

      // Where no UTF-8 locale can be had, the CLI says what to do instead of a raw Java error.
      Run.Result bare = Run.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
          Repo.jar().toString(), "release-phase",
          "--app-dir", zoe.build().toString()).env(cLocale).go();
      assertEquals(1, bare.exitCode(), bare.toString());
      assertTrue(bare.stderr().contains(" !     Error: The path "), bare.stderr());
      assertTrue(bare.stderr().contains("cannot be used: this process reads file names as"
          + " ANSI_X3.4-1968, not UTF-8."), bare.stderr());
      assertTrue(bare.stderr().contains("LC_ALL=C.UTF-8"), bare.stderr());
      assertFalse(bare.all().contains("Exception"), bare.toString());
    }
  }

  /**
   * An app (and so its .jdk, and Datomic's bin/transactor) in a folder whose name holds '=' and
   * a blank: env(1) takes a command holding '=' for one more variable to set, so neither the
   * shims nor the launcher hand a path to env.
   */
  @Test
  void anAppPathWithAnEqualsSignAndABlankBuildsBootsAndReports() throws IOException {
    try (BuildFixture odd = BuildFixture.of("minimal-transactor", tmp.resolve("a=b c"))
        .withDistribution()) {
      Files.createSymbolicLink(odd.build().resolve(".jdk"), Machine.jdkHome());
      Run.Result r = odd.compile();
      assertEquals(0, r.exitCode(), r.toString());
      Map<String, String> env = dyno();
      env.put("JAVA_OPTS", "-Dapp.flag=1 -Xmx300m");
      env.put("JAVA_TOOL_OPTIONS", "-Dtool.flag=1");
      try (Dyno dyno = Dyno.start(odd.build(), "transactor", env, tmp.resolve("dyno"))) {
        assertTrue(dyno.awaitStarted(60), dyno.output());
        assertTrue(dyno.arguments().get("OPT").contains("-Dlogback.configurationFile="
            + odd.build().resolve(".datomic/logback.xml")), dyno.arguments().toString());
        // The plan's variables reached the transactor, heap settings taken out.
        assertEquals("-Dapp.flag=1", dyno.argument("ENV_JAVA_OPTS"));
        assertEquals("-Dtool.flag=1", dyno.argument("ENV_JAVA_TOOL_OPTIONS"));
      }
      Run.Result report = Run.of(Repo.bin("report"), odd.build().toString(),
          odd.cache().toString(), odd.env().toString()).go();
      assertEquals(0, report.exitCode(), report.toString());
      assertTrue(report.stdout().lines().anyMatch(l -> l.startsWith("datomic_version: ")
          && l.contains(BuildFixture.VERSION)), report.toString());
    }
  }

  @Test
  void aDynoNumberTooLargeForAnyNumberIsNoCrash() throws IOException {
    Map<String, String> env = dyno();
    env.put("DYNO", "transactor.99999999999");
    try (Dyno dyno = boot(appProperties, env)) {
      assertTrue(dyno.awaitStarted(60), dyno.output());
      assertFalse(dyno.output().contains("unexpectedly"), dyno.output());
    }
  }

  /**
   * An app path holding '=' (its .jdk's java with it): the launcher starts the CLI as it does any
   * other path; env -u read such a path as a variable to set, and ran "-XX:+UseSerialGC".
   */
  @Test
  void anAppPathHoldingAnEqualsSignWorks() throws IOException {
    Path copy = tmp.resolve("key=value/build");
    datomic.buildpack.files.Trees.copy(app.build(), copy);
    Path java = copy.resolve(".jdk/bin/java");
    if (!Files.exists(java)) {
      Files.createDirectories(java.getParent());
      Files.createSymbolicLink(java, Path.of(System.getProperty("java.home"), "bin", "java"));
    }
    Run.Result r = Run.of(".datomic/bin/datomic-buildpack", "peer-uri", "my-db").in(copy)
        .env("DATABASE_URL", "postgres://u:pw-8c1d@db.example.com/d").go();
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stdout().startsWith("datomic:sql://my-db?jdbc:postgresql://db.example.com:5432/d"),
        r.toString());
  }

  /** A TMPDIR the launcher cannot write in is named, with what to do; no raw mktemp error. */
  @Test
  void aTmpdirThatCannotBeWrittenIsNamed() {
    Run.Result r = Run.of(".datomic/bin/datomic-buildpack", "peer-uri", "my-db").in(app.build())
        .env("DATABASE_URL", "postgres://u:pw-8c1d@db.example.com/d")
        .env("TMPDIR", tmp.resolve("no such dir").toString()).go();
    assertEquals(1, r.exitCode(), r.toString());
    assertEquals(" !     Error: Could not create a temporary file in " + tmp.resolve("no such dir")
        + ".\n !     Check that TMPDIR (or /tmp) is a folder this user can write to, and not"
        + " full.\n", r.stderr());
    assertEquals("", r.stdout());
  }
}
