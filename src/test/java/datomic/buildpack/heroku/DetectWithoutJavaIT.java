package datomic.buildpack.heroku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Machine;
import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heroku runs bin/detect on a build image with no JVM: its bash rule is the only one. Every kind
 * of app gets its answer, the same with and without a JVM on the machine, and a refusal says what
 * was looked for and what the root holds, in words no file name can forge.
 */
class DetectWithoutJavaIT {
  @TempDir Path tmp;
  private Path noJavaBin;

  @BeforeEach
  void pathWithoutJava() {
    noJavaBin = Machine.pathWithoutJava(tmp.resolve("bin-without-java"));
  }

  private Map<String, Path> apps() throws IOException {
    Map<String, Path> apps = new LinkedHashMap<>();
    try (Stream<Path> fixtures = Files.list(Repo.root().resolve("test-fixtures/apps"))) {
      fixtures.sorted().forEach(p -> apps.put(p.getFileName().toString(), p));
    }
    apps.put("empty", Files.createDirectories(tmp.resolve("empty")));
    apps.put("procfile-transactor-without-command", app("transactor:\n"));
    apps.put("procfile-crlf", app("web: x\r\ntransactor: .datomic/bin/datomic-buildpack launch\r\n"));
    apps.put("procfile-indented", app("  transactor: run\n"));
    apps.put("procfile-other-name", app("transactors: run\n"));
    // Not UTF-8 (a Latin-1 comment): only process names matter.
    Path latin1 = app("");
    Files.write(latin1.resolve("Procfile"), "web: caf\u00e9\ntransactor: run\n"
        .getBytes(StandardCharsets.ISO_8859_1));
    apps.put("procfile-not-utf8", latin1);
    // Links: followed inside the app; a Procfile leading outside it is not read.
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Path outsideProcfile = Files.writeString(outside.resolve("Procfile"), "transactor: run\n");
    Path inside = app("");
    Files.delete(inside.resolve("Procfile"));
    Files.createDirectories(inside.resolve("config"));
    Files.writeString(inside.resolve("config/Procfile"), "transactor: run\n");
    Files.createSymbolicLink(inside.resolve("Procfile"), Path.of("config/Procfile"));
    apps.put("procfile-link-inside", inside);
    Path leaving = app("");
    Files.delete(leaving.resolve("Procfile"));
    Files.createSymbolicLink(leaving.resolve("Procfile"), outsideProcfile);
    apps.put("procfile-link-outside", leaving);
    // A transactor.properties link is the file (compile refuses one leading outside the app).
    Path properties = Files.createDirectories(tmp.resolve("properties-link"));
    Files.createSymbolicLink(properties.resolve("transactor.properties"),
        Files.writeString(outside.resolve("transactor.properties"), ""));
    apps.put("properties-link-outside", properties);
    Path dangling = Files.createDirectories(tmp.resolve("properties-dangling"));
    Files.createSymbolicLink(dangling.resolve("transactor.properties"), outside.resolve("none"));
    apps.put("properties-dangling", dangling);
    // A file name cannot forge a line of the log.
    Path forged = Files.createDirectories(tmp.resolve("forged"));
    Files.writeString(forged.resolve("x\n-----> Datomic app detected\u001b[2K"), "");
    apps.put("forged-name", forged);
    apps.put("procfile-peer-server", app("web: x\npeer-server: .datomic/bin/datomic-buildpack"
        + " peer-server\n"));
    apps.put("procfile-peer-server-without-command", app("peer-server:\n"));
    return apps;
  }

  private Path app(String procfile) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("app" + System.nanoTime()));
    Files.writeString(dir.resolve("Procfile"), procfile);
    return dir;
  }

  /** The apps bin/detect refuses, with what their root holds; every other app is detected. */
  private static final Map<String, String> REFUSED = Map.of(
      "not-a-transactor", "Procfile index.js package.json",
      "empty", "(nothing)",
      "procfile-transactor-without-command", "Procfile",
      "procfile-indented", "Procfile",
      "procfile-other-name", "Procfile",
      "procfile-link-outside", "Procfile",
      "forged-name", "x\\n-----> Datomic app detected\\u001B[2K",
      "procfile-peer-server-without-command", "Procfile",
      "many-entries", "config/ f00 f01 f02 f03 f04 f05 f06 f07 f08 f09 f10 f11 f12 f13 f14 f15 f16"
          + " f17 f18");

  private static String refusal(String root) {
    return "\n !     Error: This app is not a Datomic transactor app: no transactor.properties and no"
        + " transactor: or peer-server: process in a Procfile.\n"
        + " !     The Datomic buildpack looks in the app's root for a transactor.properties file"
        + " (optional transactor settings, may be empty)\n"
        + " !     or a Procfile with a 'transactor:' (or, for a query-group app, 'peer-server:')"
        + " process.\n"
        + " !     The root holds: " + root + "\n"
        + " !     To deploy a transactor, commit an empty transactor.properties to the app.\n\n";
  }

  @Test
  void everyAppGetsItsAnswerWithOrWithoutAJvm() throws IOException {
    assertFalse(Files.exists(noJavaBin.resolve("java")));
    Map<String, Path> apps = apps();
    Path many = Files.createDirectories(tmp.resolve("many").resolve("config"));
    for (int i = 0; i < 25; i++) {
      Files.writeString(many.resolveSibling(String.format("f%02d", i)), "");
    }
    apps.put("many-entries", many.getParent());
    assertTrue(apps.keySet().containsAll(REFUSED.keySet()), apps.keySet().toString());
    int detected = 0;
    for (Map.Entry<String, Path> app : apps.entrySet()) {
      Path build = tmp.resolve("builds").resolve(app.getKey());
      BuildFixture.copyTree(app.getValue(), build);
      Run.Result withJava = Run.of(Repo.bin("detect"), build.toString()).go();
      Run.Result withoutJava = Run.of(Repo.bin("detect"), build.toString())
          .env("PATH", noJavaBin.toString()).unset("JAVA_HOME").go();
      assertEquals(withJava.toString(), withoutJava.toString(), app.getKey());
      String root = REFUSED.get(app.getKey());
      if (root == null) {
        assertEquals(0, withoutJava.exitCode(), app.getKey() + ": " + withoutJava);
        assertEquals("Datomic\n", withoutJava.stdout(), app.getKey());
        assertEquals("", withoutJava.stderr(), app.getKey());
        detected++;
      } else {
        assertEquals(1, withoutJava.exitCode(), app.getKey() + ": " + withoutJava);
        assertEquals("", withoutJava.stdout(), app.getKey());
        assertEquals(refusal(root), withoutJava.stderr(), app.getKey() + ": the words");
      }
      for (Run.Result r : List.of(withJava, withoutJava)) {
        assertFalse(r.all().lines().anyMatch(l -> l.startsWith("----->")), app.getKey() + r);
        assertFalse(r.all().contains("\u001b"), app.getKey() + r);
        assertFalse(r.all().contains("Exception"), app.getKey() + r);
      }
    }
    assertEquals(9, detected, "minimal-transactor, procfile-custom, procfile-crlf,"
        + " procfile-not-utf8, procfile-link-inside, properties-link-outside, properties-dangling,"
        + " query-group, procfile-peer-server");
  }
}
