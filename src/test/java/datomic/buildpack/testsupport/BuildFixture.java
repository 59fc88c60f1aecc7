package datomic.buildpack.testsupport;

import datomic.buildpack.files.Trees;
import datomic.buildpack.local.FakeDistribution;
import datomic.buildpack.local.LoopbackServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A fixture app copied into a temp build folder, with the cache and env folders Heroku would
 * pass, and a fake Datomic zip served from 127.0.0.1. Runs the real bin/ shims against them.
 */
public final class BuildFixture implements AutoCloseable {
  public static final String VERSION = "1.0.7622";
  /** Apps compiled once in this JVM, by {@link #compiled}: their copies are handed out. */
  private static final Map<String, BuildFixture> COMPILED = new HashMap<>();

  private final Path root;
  private final Path build;
  private final Path cache;
  private final Path env;
  private LoopbackServer server;
  /** False for a copy of a compiled app: the server is the original's, open until exit. */
  private boolean ownsServer = true;

  private BuildFixture(Path root, Path build) {
    this.root = root;
    this.build = build;
    this.cache = root.resolve("cache");
    this.env = root.resolve("env");
    try {
      Files.createDirectories(cache);
      Files.createDirectories(env);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies {@code test-fixtures/apps/<app>} into {@code root/build}. */
  public static BuildFixture of(String app, Path root) {
    Path build = root.resolve("build");
    copyTree(Repo.app(app), build);
    return new BuildFixture(root, build);
  }

  /**
   * A copy in {@code root} of {@code app} compiled with the fake distribution
   * ({@code withDistribution().compileOk()}): its build, cache and env folders, for a class that
   * boots a compiled app. bin/compile runs once per JVM, at the first call; every call gets a
   * copy of its own, free to change. The copy runs where it is, as a slug runs at {@code /app}
   * whatever folder it was built in.
   */
  public static BuildFixture compiled(String app, Path root) {
    BuildFixture compiled;
    synchronized (COMPILED) {
      compiled = COMPILED.get(app);
      if (compiled == null) {
        compiled = compileOnce(app);
        COMPILED.put(app, compiled);
      }
    }
    copyTree(compiled.build, root.resolve("build"));
    copyTree(compiled.cache, root.resolve("cache"));
    copyTree(compiled.env, root.resolve("env"));
    BuildFixture copy = new BuildFixture(root, root.resolve("build"));
    copy.server = compiled.server;
    copy.ownsServer = false;
    return copy;
  }

  private static BuildFixture compileOnce(String app) {
    try {
      Path dir = Files.createTempDirectory("compiled-" + app + "-");
      BuildFixture fixture = of(app, dir).withDistribution();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        fixture.close();
        Trees.deleteQuietly(dir);
      }));
      fixture.compileOk();
      return fixture;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Builds the fake distribution zip and serves it; sets DATOMIC_DOWNLOAD_URL and VERSION. */
  public BuildFixture withDistribution() {
    return withDistribution(FakeDistribution.from(Repo.distSources()).version(VERSION), "pro");
  }

  public BuildFixture withDistribution(FakeDistribution dist, String edition) {
    Path zip = dist.writeTo(root.resolve(dist.topFolder().replace("/", "") + ".zip"));
    server = LoopbackServer.serve("/datomic/" + zip.getFileName(), zip);
    setVar("DATOMIC_DOWNLOAD_URL", server.url());
    setVar("DATOMIC_VERSION", VERSION);
    if (!"pro".equals(edition)) {
      setVar("DATOMIC_EDITION", edition);
    }
    return this;
  }

  /** Writes a config var the way Heroku does: a file in ENV_DIR. */
  public BuildFixture setVar(String name, String value) {
    try {
      Files.writeString(env.resolve(name), value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public Run.Result detect() {
    return Run.of(Repo.bin("detect"), build.toString()).go();
  }

  public Run.Result compile() {
    return compile(Map.of());
  }

  /** bin/compile with {@code processEnv} added to its process environment (not config vars). */
  public Run.Result compile(Map<String, String> processEnv) {
    return Run.of(Repo.bin("compile"), build.toString(), cache.toString(), env.toString())
        .env(processEnv).go();
  }

  /** Compiles and fails the test unless it worked. */
  public Run.Result compileOk() {
    Run.Result r = compile();
    if (r.exitCode() != 0) {
      throw new AssertionError("compile failed: " + r);
    }
    return r;
  }

  public Run.Result release() {
    return Run.of(Repo.bin("release"), build.toString()).go();
  }

  /** The URL the fake distribution is served at (set as DATOMIC_DOWNLOAD_URL). */
  public String downloadUrl() {
    return server.url();
  }

  public int downloads() {
    return server == null ? 0 : server.requests();
  }

  public Path root() {
    return root;
  }

  public Path build() {
    return build;
  }

  public Path cache() {
    return cache;
  }

  public Path env() {
    return env;
  }

  @Override
  public void close() {
    if (server != null && ownsServer) {
      server.close();
    }
  }

  /** Copies a folder tree (the target must not exist). */
  public static void copyTree(Path from, Path to) {
    try {
      Trees.copy(from, to);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
