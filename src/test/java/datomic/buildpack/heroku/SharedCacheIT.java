package datomic.buildpack.heroku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.compile.CacheMarker;
import datomic.buildpack.files.Json;
import datomic.buildpack.output.Log;
import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds sharing one CACHE_DIR at the same time (CI runners, parallel local builds): no build
 * reads a half-written file of another, none clears the cache because of one, none removes
 * another's work in progress.
 */
class SharedCacheIT {
  private static final String STACK = "heroku-24";
  private static final String VERSION = "1.2.3";

  @TempDir Path tmp;

  private static Log quietLog(ByteArrayOutputStream out) {
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    return new Log(ps, ps);
  }

  /**
   * Four threads check the marker over and over while a fifth keeps removing it, so that it is
   * written again and again while others read it. Written in place, a reader saw it half-written,
   * took it for a change ("changed from null") and cleared the cache.
   */
  @Test
  void buildsCheckingTheMarkerWhileOthersWriteItNeverClearTheCache() throws Exception {
    Path cache = Files.createDirectories(tmp.resolve("cache"));
    Path entry = Files.createDirectories(cache.resolve("datomic/pro-1.0.7622-0123456789ab/tree"));
    CacheMarker.check(cache, STACK, VERSION, quietLog(new ByteArrayOutputStream()));
    ConcurrentLinkedQueue<String> cleared = new ConcurrentLinkedQueue<>();
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(5);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> checkers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        checkers.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 1500 && cleared.isEmpty(); i++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CacheMarker.Outcome outcome = CacheMarker.check(cache, STACK, VERSION, quietLog(out));
            if (!outcome.reasons().isEmpty() || !outcome.usable()) {
              cleared.add(out.toString(StandardCharsets.UTF_8));
            }
          }
          return null;
        }));
      }
      Future<?> eraser = pool.submit(() -> {
        start.await();
        while (!done.get()) {
          Files.deleteIfExists(cache.resolve(CacheMarker.MARKER));
          Thread.onSpinWait();
        }
        return null;
      });
      start.countDown();
      for (Future<?> f : checkers) {
        f.get(120, TimeUnit.SECONDS);
      }
      done.set(true);
      eraser.get(10, TimeUnit.SECONDS);
    } finally {
      done.set(true);
      pool.shutdownNow();
    }
    assertEquals(List.of(), List.copyOf(cleared), "a build cleared the shared cache");
    assertTrue(Files.isDirectory(entry), "the cached distribution is still there");
  }

  /** Many writers and readers of one file: a reader only ever sees a whole one. */
  @Test
  void aFileWrittenWholeIsNeverReadHalfWritten() throws Exception {
    Path file = tmp.resolve("shared.json");
    Json.write(file, Map.of("n", 0, "padding", "x".repeat(20_000)));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    ConcurrentLinkedQueue<String> broken = new ConcurrentLinkedQueue<>();
    try {
      List<Future<?>> all = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int writer = t;
        all.add(pool.submit(() -> {
          for (int i = 0; i < 400; i++) {
            Json.write(file, Map.of("n", writer * 1000 + i, "padding", "y".repeat(20_000)));
          }
          return null;
        }));
        all.add(pool.submit(() -> {
          for (int i = 0; i < 2000; i++) {
            try {
              Json.integer(Json.read(file), "n");
            } catch (IOException e) {
              broken.add(String.valueOf(e));
            }
          }
          return null;
        }));
      }
      for (Future<?> f : all) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(List.of(), List.copyOf(broken));
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(List.of("shared.json"), left.map(p -> p.getFileName().toString()).toList(),
          "no temporary file left");
    }
  }

  /** A marker that cannot be read is a note, not a change: the cache is kept. */
  @Test
  void anUnreadableMarkerKeepsTheCache() throws Exception {
    Path cache = Files.createDirectories(tmp.resolve("cache"));
    Path entry = Files.createDirectories(cache.resolve("datomic/pro-1.0.7622-0123456789ab/tree"));
    for (String damaged : List.of("", "{\"stack\":\"heroku-2", "null", "[]", "\u0000\u0000")) {
      Files.writeString(cache.resolve(CacheMarker.MARKER), damaged);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      CacheMarker.Outcome outcome = CacheMarker.check(cache, STACK, VERSION, quietLog(out));
      String log = out.toString(StandardCharsets.UTF_8);
      assertEquals(List.of(), outcome.reasons(), damaged + ": " + log);
      assertTrue(log.contains("The build cache's marker (datomic-buildpack.json) could not be"
          + " read ("), log);
      assertFalse(log.contains("Clearing"), log);
      assertTrue(Files.isDirectory(entry), damaged);
      Map<String, Object> marker = Json.read(cache.resolve(CacheMarker.MARKER));
      assertEquals(VERSION, Json.string(marker, "buildpackVersion"), "written again");
    }
  }

  /** Three real builds on one cold cache at once: all succeed, one entry, nothing left over. */
  @Test
  void threeBuildsOnOneCacheAtOnceAllSucceed() throws Exception {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("app"))
        .withDistribution()) {
      List<Path> builds = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Path build = tmp.resolve("b" + i + "/build");
        BuildFixture.copyTree(Repo.app("minimal-transactor"), build);
        builds.add(build);
      }
      ExecutorService pool = Executors.newFixedThreadPool(3);
      List<Run.Result> results = new ArrayList<>();
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Run.Result>> running = new ArrayList<>();
        for (Path build : builds) {
          running.add(pool.submit(() -> {
            start.await();
            return Run.of(Repo.bin("compile"), build.toString(), app.cache().toString(),
                app.env().toString()).go();
          }));
        }
        start.countDown();
        for (Future<Run.Result> f : running) {
          results.add(f.get(300, TimeUnit.SECONDS));
        }
      } finally {
        pool.shutdownNow();
      }
      for (Run.Result r : results) {
        assertEquals(0, r.exitCode(), r.toString());
        assertFalse(r.stdout().contains("Clearing the build cache"), r.toString());
        assertFalse(r.all().contains("could not be read"), r.toString());
      }
      for (Path build : builds) {
        assertTrue(Files.isExecutable(build.resolve(".datomic/dist/bin/transactor")), build + "");
      }
      try (Stream<Path> cached = Files.list(app.cache().resolve("datomic"))) {
        List<String> names = cached.map(p -> p.getFileName().toString()).sorted().toList();
        assertEquals(2, names.size(), "one entry and the index, no leftover: " + names);
        assertTrue(names.contains("index.json") && names.get(1).startsWith("pro-1.0.7622-"),
            names.toString());
      }
    }
  }
}
